-- Every released scorecard of every release, with its release's stamp.
with releases as (
    select * from {{ ref('scorecard_releases') }}
),

scorecards as (
    select * from {{ source('published', 'scorecard') }}
),

entity_names as (
    select * from {{ ref('entity_names') }}
)

select
    s.release_id,
    r.published_at,
    r.content_hash,
    r.reason as release_reason,
    s.period_month,
    s.entity_level,
    s.entity_id,
    n.entity_name,
    s.template_version,
    s.role,
    s.scoring_status,
    s.not_scored_reason,
    s.acquisition_points,
    s.activity_points,
    s.conversion_points,
    s.risk_points,
    s.brand_points,
    s.data_points,
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
    r.is_latest_release
from scorecards as s
inner join releases as r on s.release_id = r.release_id
left join entity_names as n on s.entity_level = n.entity_level and s.entity_id = n.entity_id
