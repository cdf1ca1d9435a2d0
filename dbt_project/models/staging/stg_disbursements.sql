with latest as (
    {{ latest_delivery(source('raw', 'disbursements'), ['disbursement_id']) }}
)

select
    disbursement_id,
    application_id,
    loan_id,
    disbursed_at,
    amount
from latest
