{#- Tier history of each client: a version holds from its tier_valid_from until the next one. -#}
select
    client_id,
    tier,
    segment,
    branch_id,
    tier_valid_from as valid_from,
    lead(tier_valid_from) over (partition by client_id order by tier_valid_from) as valid_to
from {{ ref('stg_clients') }}
