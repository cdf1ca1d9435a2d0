-- Each dimension's points against its weight, per entity and month (latest release).
with indicators as (
    select * from {{ ref('published_indicators') }}
)

select
    period_month,
    entity_level,
    entity_id,
    role,
    dimension,
    sum(weight) as weight,
    sum(effective_weight) as effective_weight,
    sum(points) as points,
    sum(bonus_points) as bonus_points,
    case when sum(effective_weight) > 0 then sum(points) / sum(effective_weight) end as points_per_weight,
    count(*) as indicators,
    sum(case when status = 'na' then 1 else 0 end) as na_indicators,
    max(release_id) as release_id
from indicators
group by period_month, entity_level, entity_id, role, dimension
