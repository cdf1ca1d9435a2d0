-- Entities whose communities showed activity over the daily limit (excluded from scoring).
with inflation as (
    select * from {{ ref('scorecard_suspected_inflation') }}
),

scorecards as (
    select * from {{ ref('scorecard') }}
)

select
    i.period_month,
    i.entity_level,
    i.entity_id,
    i.excluded_member_days,
    i.excluded_events,
    i.events,
    i.excluded_share,
    s.penalty,
    s.final_score,
    s.grade
from inflation as i
left join scorecards as s
    on
        i.period_month = s.period_month
        and i.entity_level = s.entity_level
        and i.entity_id = s.entity_id
