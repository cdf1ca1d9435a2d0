-- The latest result of each suite for one month ($period_month), with its failures.
select
    suite,
    passed,
    failures
from quality.gate_results
where period_month = $period_month
qualify row_number() over (partition by suite order by checked_at desc) = 1
order by suite
