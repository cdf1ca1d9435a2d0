-- The indicators as last computed (month to date for the open month): PROVISIONAL, not a release.
with indicators as (
    select * from {{ ref('scorecard_indicator') }}
)

select
    period_month,
    entity_level,
    entity_id,
    template_version,
    role,
    peer_group,
    dimension,
    indicator_code,
    name_zh,
    name_en,
    status,
    na_reason,
    method,
    direction,
    value,
    numerator,
    denominator,
    target,
    attainment,
    fraction,
    weight,
    effective_weight,
    points,
    bonus_points,
    red_line,
    breaches_red_line
from indicators
