{#- Each client as now known: its latest version (the tier history is in int_client_tier_history),
    with whether its segment is one of the target segments. -#}
with clients as (
    select * from {{ ref('stg_clients') }}
),

ranked as (
    select
        clients.*,
        row_number() over (partition by clients.client_id order by clients.tier_valid_from desc) as version_rank
    from clients
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
