-- How many provisional scorecards the marts hold for the month ($period_month).
select count(*) as scorecards
from marts.scorecard
where period_month = $period_month
