select *
from marts.scorecard
where period_month = $period_month and entity_level = $entity_level and entity_id = $entity_id
