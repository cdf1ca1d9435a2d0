{#- The months to score: from the first to the last month with any business data. A month is
    provisional until its last day has passed (as_of_date: today in Asia/Shanghai, or var). -#}
with stg_engagement_events as (
    select * from {{ ref('stg_engagement_events') }}
),

stg_leads as (
    select * from {{ ref('stg_leads') }}
),

stg_disbursements as (
    select * from {{ ref('stg_disbursements') }}
),

stg_loan_snapshots as (
    select * from {{ ref('stg_loan_snapshots') }}
),

data_months as (
    select cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as period_month
    from stg_engagement_events
    union all
    select cast({{ dbt.date_trunc('month', 'created_at') }} as date) from stg_leads
    union all
    select cast({{ dbt.date_trunc('month', 'disbursed_at') }} as date) from stg_disbursements
    union all
    select cast({{ dbt.date_trunc('month', 'snapshot_date') }} as date) from stg_loan_snapshots
),

bounds as (
    select
        min(period_month) as first_month,
        max(period_month) as last_month
    from data_months
),

series as (
    {{ dbt.generate_series(600) }}
),

months as (
    select cast({{ dbt.dateadd('month', 'series.generated_number - 1', 'bounds.first_month') }} as date) as period_month
    from series
    cross join bounds
),

framed as (
    select
        months.period_month,
        cast({{ dbt.dateadd('month', 1, 'months.period_month') }} as date) as next_month_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'months.period_month')) }} as date) as period_end_date,
        {{ as_of_date() }} as as_of_date
    from months
    cross join bounds
    where months.period_month <= bounds.last_month
)

select
    period_month,
    next_month_start,
    period_end_date,
    as_of_date,
    as_of_date <= period_end_date as is_provisional,
    cast(
        case
            when as_of_date > period_end_date
                then {{ dbt.datediff('period_month', 'period_end_date', 'day') }} + 1  -- noqa: LT05
            when as_of_date < period_month then 0
            else {{ dbt.datediff('period_month', 'as_of_date', 'day') }} + 1
        end as {{ dbt.type_int() }}
    ) as elapsed_days
from framed
