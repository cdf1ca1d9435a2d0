-- Every indicator of every release; `is_latest_release` marks the release in force for its month.
with releases as (
    select * from {{ source('published', 'scorecard_release') }}
),

indicators as (
    select * from {{ source('published', 'scorecard_indicator') }}
),

latest as (
    select
        period_month,
        max(release_id) as latest_release_id
    from releases
    group by period_month
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
    i.release_id = l.latest_release_id as is_latest_release
from indicators as i
inner join latest as l on i.period_month = l.period_month
