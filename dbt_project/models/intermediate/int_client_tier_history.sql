{#- Tier history of each client: a version holds from its tier_valid_from until the next one. -#}
with stg_clients as (
    select * from {{ ref('stg_clients') }}
)

select
    client_id,
    tier,
    segment,
    branch_id,
    tier_valid_from as valid_from,
    lead(tier_valid_from) over (partition by client_id order by tier_valid_from) as valid_to
from stg_clients
