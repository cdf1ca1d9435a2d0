{#- The client as now known (latest version); the tier history is in int_client_tier_history. -#}
with ranked as (
    select
        clients.*,
        row_number() over (partition by clients.client_id order by clients.tier_valid_from desc) as version_rank
    from {{ ref('stg_clients') }} as clients
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
    segment in ('tech_sme', 'manufacturing', 'green') as is_target_segment
from ranked
where version_rank = 1
