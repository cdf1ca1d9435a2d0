{#- comment is free text that may hold PII: dropped, only whether there was one is kept. -#}
with deliveries as (
    select * from {{ source('raw', 'surveys') }}
),

latest as (
    {{ latest_delivery('deliveries', ['response_id']) }}
)

select
    response_id,
    community_id,
    member_id,
    submitted_at,
    score,
    comment is not null as has_comment
from latest
