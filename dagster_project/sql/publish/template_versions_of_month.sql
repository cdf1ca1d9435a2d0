select distinct template_version
from marts.scorecard
where period_month = $period_month
