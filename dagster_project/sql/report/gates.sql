-- The latest result of each gate of a month.
select
    gate,
    passed,
    rows_validated,
    checked_at
from analytics.data_quality_status
where period_month = $period_month
order by passed, gate
