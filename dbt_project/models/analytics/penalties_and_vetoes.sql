-- Every penalty and veto with the event behind it (as last computed), beside what the latest
-- release of the month holds for the entity.
with adjustments as (
    select * from {{ ref('scorecard_adjustment') }}
),

scorecards as (
    select * from {{ ref('scorecard') }}
),

published as (
    select * from {{ ref('published_scorecard') }}
)

select
    a.period_month,
    a.entity_level,
    a.entity_id,
    a.source,
    a.reference,
    a.severity,
    a.penalty_points,
    a.is_veto,
    a.reason,
    s.penalty as total_penalty,
    s.veto,
    s.veto_reason,
    p.release_id,
    p.penalty as released_penalty,
    p.veto as released_veto
from adjustments as a
left join scorecards as s
    on
        a.period_month = s.period_month
        and a.entity_level = s.entity_level
        and a.entity_id = s.entity_id
left join published as p
    on
        a.period_month = p.period_month
        and a.entity_level = p.entity_level
        and a.entity_id = p.entity_id
