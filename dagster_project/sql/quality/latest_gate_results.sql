-- The latest result of each gate (a suite on one asset it guards) for one month ($period_month),
-- with its failures.
select
    guards,
    suite,
    passed,
    failures
from quality.gate_results
where period_month = $period_month
qualify row_number() over (partition by guards, suite order by checked_at desc) = 1
order by guards, suite
