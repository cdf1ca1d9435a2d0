-- Every indicator behind the scorecards of the latest release of each month.
with history as (
    select * from {{ ref('published_indicator_history') }}
)

select
    release_id,
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
from history
where is_latest_release
