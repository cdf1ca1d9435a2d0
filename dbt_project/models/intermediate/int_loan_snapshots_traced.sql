{#- Month-end loan snapshots traced back loan -> disbursement -> application -> lead (grain:
    snapshot date x loan), with the first disbursement and whether the loan is non-performing. -#}
with stg_disbursements as (
    select * from {{ ref('stg_disbursements') }}
),

stg_loan_snapshots as (
    select * from {{ ref('stg_loan_snapshots') }}
),

stg_applications as (
    select * from {{ ref('stg_applications') }}
),

loans as (
    select
        loan_id,
        min(application_id) as application_id,
        min(disbursed_at) as first_disbursed_at
    from stg_disbursements
    group by loan_id
)

select
    {{ dbt.concat([
        dbt.cast('snapshots.snapshot_date', dbt.type_string()), "'|'", 'snapshots.loan_id'
    ]) }} as loan_snapshot_key,
    snapshots.snapshot_date,
    snapshots.loan_id,
    loans.application_id,
    applications.lead_id,
    applications.client_id,
    loans.first_disbursed_at,
    snapshots.outstanding_balance,
    snapshots.days_past_due,
    snapshots.classification,
    snapshots.classification in ('substandard', 'doubtful', 'loss') as is_npl
from stg_loan_snapshots as snapshots
left join loans on snapshots.loan_id = loans.loan_id
left join stg_applications as applications on loans.application_id = applications.application_id
