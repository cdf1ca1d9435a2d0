-- Every indicator of every release; `is_latest_release` marks the release in force for its month.
with releases as (
    select * from {{ ref('scorecard_releases') }}
),

indicators as (
    select * from {{ source('published', 'scorecard_indicator') }}
)

select
    i.release_id,
    i.period_month,
    i.entity_level,
    i.entity_id,
    i.template_version,
    i.role,
    i.peer_group,
    i.dimension,
    i.indicator_code,
    i.name_zh,
    i.name_en,
    i.status,
    i.na_reason,
    i.method,
    i.direction,
    i.value,
    i.numerator,
    i.denominator,
    i.target,
    i.attainment,
    i.fraction,
    i.weight,
    i.effective_weight,
    i.points,
    i.bonus_points,
    i.red_line,
    i.breaches_red_line,
    r.is_latest_release
from indicators as i
inner join releases as r on i.release_id = r.release_id
