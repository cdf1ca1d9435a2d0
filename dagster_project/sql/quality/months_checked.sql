-- The months in which every suite of $suites (a list) has a result on the asset $guards.
select strftime(period_month, '%Y-%m') as period_month
from quality.gate_results
where guards = $guards and list_contains($suites, suite)
group by period_month
having count(distinct suite) = len($suites)
