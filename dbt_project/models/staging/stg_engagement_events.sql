with deliveries as (
    select * from {{ source('raw', 'engagement_events') }}
),

latest as (
    {{ latest_delivery('deliveries', ['event_id']) }}
)

select
    event_id,
    occurred_at,
    cast(occurred_at as date) as activity_date,
    community_id,
    member_id,
    event_type,
    content_id,
    reply_to_event_id
from latest
