-- The indicators of one release.
select
    entity_level,
    entity_id,
    dimension,
    indicator_code,
    name_zh,
    name_en,
    status,
    na_reason,
    value,
    target,
    fraction,
    weight,
    effective_weight,
    points,
    bonus_points
from analytics.published_indicator_history
where release_id = $release_id
order by entity_level, entity_id, dimension, indicator_code
