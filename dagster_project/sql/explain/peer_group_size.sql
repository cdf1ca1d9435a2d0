select count(*) as members
from marts.scorecard
where period_month = $period_month and entity_level = $entity_level and peer_group = $peer_group
