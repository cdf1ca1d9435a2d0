with latest as (
    {{ latest_delivery(source('raw', 'content'), ['content_id']) }}
)

select
    content_id,
    community_id,
    author_manager_id,
    content_type,
    published_at,
    title
from latest
