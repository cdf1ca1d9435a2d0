with latest as (
    {{ latest_delivery(source('raw', 'applications'), ['application_id']) }}
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
