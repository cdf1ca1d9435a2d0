-- How many entities of a level are scored in the month.
select count(*) as scored
from marts.scorecard
where period_month = $period_month and entity_level = $entity_level
