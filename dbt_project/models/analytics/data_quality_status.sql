-- Each month's gates (one suite on one asset it guards): the latest result, and whether the
-- month has passed them all and been released.
with gate_results as (
    select * from {{ source('quality', 'gate_results') }}
),

releases as (
    select * from {{ ref('scorecard_releases') }}
),

ranked as (
    select
        period_month,
        guards,
        suite,
        passed,
        failures,
        rows_validated,
        checked_at,
        run_id,
        row_number() over (
            partition by period_month, guards, suite order by checked_at desc
        ) as recency
    from gate_results
),

latest_release as (
    select
        period_month,
        release_id as latest_release_id
    from releases
    where is_latest_release
)

select
    g.period_month,
    {{ dbt.concat(["g.guards", "':'", "g.suite"]) }} as gate,
    g.guards,
    g.suite,
    g.passed,
    g.failures,
    g.rows_validated,
    g.checked_at,
    g.run_id,
    min(case when g.passed then 1 else 0 end) over (partition by g.period_month) = 1 as month_passed,
    r.latest_release_id
from ranked as g
left join latest_release as r on g.period_month = r.period_month
where g.recency = 1
