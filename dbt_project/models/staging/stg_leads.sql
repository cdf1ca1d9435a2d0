with deliveries as (
    select * from {{ source('raw', 'leads') }}
),

latest as (
    {{ latest_delivery('deliveries', ['lead_id']) }}
)

select
    lead_id,
    client_id,
    created_at,
    source_channel,
    source_community_id,
    manager_id,
    product,
    requested_amount
from latest
