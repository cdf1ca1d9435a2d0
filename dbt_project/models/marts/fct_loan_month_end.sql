{#- Grain: snapshot date x loan, traced back loan -> disbursement -> application -> lead. -#}
with traced as (
    select * from {{ ref('int_loan_snapshots_traced') }}
)

select
    loan_snapshot_key,
    snapshot_date,
    loan_id,
    application_id,
    lead_id,
    client_id,
    first_disbursed_at,
    outstanding_balance,
    days_past_due,
    classification,
    is_npl
from traced
