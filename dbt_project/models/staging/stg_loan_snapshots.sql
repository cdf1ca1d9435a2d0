with latest as (
    {{ latest_delivery(source('raw', 'loan_snapshots'), ['snapshot_date', 'loan_id']) }}
)

select
    snapshot_date,
    loan_id,
    outstanding_balance,
    days_past_due,
    classification
from latest
