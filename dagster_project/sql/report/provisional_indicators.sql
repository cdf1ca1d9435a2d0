-- The indicators of a month as last computed (no release).
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
from analytics.provisional_indicators
where period_month = $period_month
order by entity_level, entity_id, dimension, indicator_code
