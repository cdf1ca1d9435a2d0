with deliveries as (
    select * from {{ source('raw', 'content') }}
),

latest as (
    {{ latest_delivery('deliveries', ['content_id']) }}
)

select
    content_id,
    community_id,
    author_manager_id,
    content_type,
    published_at,
    title
from latest
