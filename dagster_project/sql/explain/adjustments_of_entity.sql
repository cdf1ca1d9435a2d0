select *
from marts.scorecard_adjustment
where period_month = $period_month and entity_level = $entity_level and entity_id = $entity_id
order by source asc, reference asc
