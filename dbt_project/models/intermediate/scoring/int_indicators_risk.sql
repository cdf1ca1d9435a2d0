{#- Risk indicators per month and entity: RISK_NPL_RATIO, RISK_EARLY_DELINQ,
    RISK_TOP1_CONCENTRATION, from the month-end snapshot dated the period's last day; balances
    are weighted by the entity's attribution share of the loan's lead. RM_NPL_RATIO is
    RISK_NPL_RATIO over the basis `handled_leads` (int_handled_lead_shares: the attributed leads
    a manager handles, each whole).
    Choice (spec silent): "disbursed 6-12 months before period end" is a first disbursement on a
    day in (period end - 12 months, period end - 6 months]; "within the first 6 months on book"
    is any snapshot dated up to 6 months after the first disbursement. -#}
with int_loan_snapshots_traced as (
    select * from {{ ref('int_loan_snapshots_traced') }}
),

months as (
    select * from {{ ref('int_template_in_force') }}
    where {{ in_partition_window('period_month') }}
),

lead_shares as (
    select * from {{ ref('int_lead_shares_by_basis') }}
),

balances as (
    select
        months.period_month,
        lead_shares.basis,
        lead_shares.entity_level,
        lead_shares.entity_id,
        loans.client_id,
        loans.is_npl,
        loans.outstanding_balance * lead_shares.share as balance
    from months
    inner join int_loan_snapshots_traced as loans on months.period_end_date = loans.snapshot_date
    inner join lead_shares on loans.lead_id = lead_shares.lead_id
),

npl as (
    select
        period_month,
        basis,
        entity_level,
        entity_id,
        sum(case when is_npl then balance else 0 end) as npl_balance,
        sum(balance) as balance
    from balances
    group by period_month, basis, entity_level, entity_id
),

client_balances as (
    select
        period_month,
        entity_level,
        entity_id,
        client_id,
        sum(balance) as balance
    from balances
    where basis = 'community'
    group by period_month, entity_level, entity_id, client_id
),

concentration as (
    select
        period_month,
        entity_level,
        entity_id,
        max(balance) as top_balance,
        sum(balance) as balance
    from client_balances
    group by period_month, entity_level, entity_id
),

loans as (
    select
        loan_id,
        min(lead_id) as lead_id,
        min(first_disbursed_at) as first_disbursed_at
    from int_loan_snapshots_traced
    where lead_id is not null
    group by loan_id
),

early_book as (
    select
        loans.loan_id,
        max(case when snapshots.days_past_due >= 30 then 1 else 0 end) as went_30_dpd
    from loans
    inner join int_loan_snapshots_traced as snapshots
        on
            loans.loan_id = snapshots.loan_id
            and snapshots.snapshot_date <= {{ dbt.dateadd('month', 6, 'cast(loans.first_disbursed_at as date)') }}
    group by loans.loan_id
),

early_delinquency as (
    select
        months.period_month,
        lead_shares.entity_level,
        lead_shares.entity_id,
        count(*) as loans,
        sum(coalesce(early_book.went_30_dpd, 0)) as delinquent
    from months
    inner join loans
        on
            cast(loans.first_disbursed_at as date) > {{ dbt.dateadd('month', -12, 'months.period_end_date') }}
            and cast(loans.first_disbursed_at as date) <= {{ dbt.dateadd('month', -6, 'months.period_end_date') }}
    inner join lead_shares on loans.lead_id = lead_shares.lead_id
    left join early_book on loans.loan_id = early_book.loan_id
    where lead_shares.basis = 'community'
    group by months.period_month, lead_shares.entity_level, lead_shares.entity_id
)

select
    period_month,
    entity_level,
    entity_id,
    case basis when 'community' then 'RISK_NPL_RATIO' else 'RM_NPL_RATIO' end as indicator_code,
    cast(npl_balance as double) as numerator,
    cast(balance as double) as denominator,
    case when balance > 0 then cast(npl_balance as double) / balance end as value
from npl
union all
select
    period_month,
    entity_level,
    entity_id,
    'RISK_EARLY_DELINQ',
    cast(delinquent as double),
    cast(loans as double),
    cast(delinquent as double) / loans
from early_delinquency
union all
select
    period_month,
    entity_level,
    entity_id,
    'RISK_TOP1_CONCENTRATION',
    cast(top_balance as double),
    cast(balance as double),
    case when balance > 0 then cast(top_balance as double) / balance end
from concentration
