with latest as (
    {{ latest_delivery(source('raw', 'engagement_events'), ['event_id']) }}
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
