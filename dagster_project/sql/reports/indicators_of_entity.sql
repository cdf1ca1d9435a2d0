select *
from marts.scorecard_indicator
where period_month = $period_month and entity_level = $entity_level and entity_id = $entity_id
order by dimension asc, indicator_code asc
