-- The scorecards as last computed (month to date for the open month), not a release: whether
-- the month has a release, and whether this computation still equals it, says how final it is.
with scorecards as (
    select * from {{ ref('scorecard') }}
),

published as (
    select * from {{ ref('published_scorecard') }}
),

entity_names as (
    select * from {{ ref('entity_names') }}
),

released_months as (
    select distinct
        period_month,
        release_id
    from published
)

select
    s.period_month,
    s.entity_level,
    s.entity_id,
    n.entity_name,
    s.template_version,
    s.role,
    s.scoring_status,
    s.not_scored_reason,
    s.base_points,
    s.bonus,
    s.penalty,
    s.veto,
    s.veto_reason,
    s.final_score,
    s.grade,
    s.peer_group,
    s.rank_in_peer_group,
    s.percentile,
    s.incentive_multiplier,
    m.release_id as latest_release_id,
    case
        when m.release_id is null then 'provisional'
        when
            p.entity_id is not null
            and {{ dbt.equals('p.final_score', 's.final_score') }}
            and {{ dbt.equals('p.grade', 's.grade') }}
            and {{ dbt.equals('p.rank_in_peer_group', 's.rank_in_peer_group') }}
            then 'as_released'
        else 'changed_since_release'
    end as publication_status
from scorecards as s
left join released_months as m on s.period_month = m.period_month
left join published as p
    on
        s.period_month = p.period_month
        and s.entity_level = p.entity_level
        and s.entity_id = p.entity_id
left join entity_names as n on s.entity_level = n.entity_level and s.entity_id = n.entity_id
