with deliveries as (
    select * from {{ source('raw', 'disbursements') }}
),

latest as (
    {{ latest_delivery('deliveries', ['disbursement_id']) }}
)

select
    disbursement_id,
    application_id,
    loan_id,
    disbursed_at,
    amount
from latest
