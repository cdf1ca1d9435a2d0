with deliveries as (
    select * from {{ source('raw', 'applications') }}
),

latest as (
    {{ latest_delivery('deliveries', ['application_id']) }}
)

select
    application_id,
    lead_id,
    client_id,
    submitted_at,
    amount,
    product,
    decision,
    decided_at,
    approved_amount
from latest
