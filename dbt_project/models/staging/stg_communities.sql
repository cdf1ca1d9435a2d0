with deliveries as (
    select * from {{ source('raw', 'communities') }}
),

latest as (
    {{ latest_delivery('deliveries', ['community_id']) }}
)

select
    community_id,
    community_name,
    platform,
    branch_id as created_in_branch_id,
    owner_manager_id,
    target_segment,
    created_at,
    closed_at
from latest
