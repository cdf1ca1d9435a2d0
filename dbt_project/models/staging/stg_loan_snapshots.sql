with deliveries as (
    select * from {{ source('raw', 'loan_snapshots') }}
),

latest as (
    {{ latest_delivery('deliveries', ['snapshot_date', 'loan_id']) }}
)

select
    snapshot_date,
    loan_id,
    outstanding_balance,
    days_past_due,
    classification
from latest
