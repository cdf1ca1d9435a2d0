{#- The client as now known (latest version); the tier history is in int_client_tier_history. -#}
with clients as (
    select * from {{ ref('int_clients_current') }}
)

select
    client_id,
    uscc_hmac,
    industry,
    segment,
    client_size,
    tier,
    tier_valid_from,
    branch_id,
    is_target_segment
from clients
