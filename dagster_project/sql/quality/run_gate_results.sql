-- The results one run ($run_id) recorded for one gate (suite $suite on the asset $guards), a row
-- per month.
select
    strftime(period_month, '%Y-%m') as period_month,
    rows_validated,
    expectations_evaluated,
    failures
from quality.gate_results
where run_id = $run_id and suite = $suite and guards = $guards
qualify row_number() over (partition by period_month order by checked_at desc) = 1
order by period_month
