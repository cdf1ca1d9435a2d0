select max(period_month) as period_month
from marts.scorecard
where entity_level = 'branch'
