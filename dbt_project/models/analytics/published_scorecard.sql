-- The scorecards of the latest release of each month: the final, published scores.
with history as (
    select * from {{ ref('published_scorecard_history') }}
)

select
    release_id,
    published_at,
    content_hash,
    period_month,
    entity_level,
    entity_id,
    entity_name,
    template_version,
    role,
    scoring_status,
    not_scored_reason,
    acquisition_points,
    activity_points,
    conversion_points,
    risk_points,
    brand_points,
    data_points,
    base_points,
    bonus,
    penalty,
    veto,
    veto_reason,
    final_score,
    grade,
    peer_group,
    rank_in_peer_group,
    percentile,
    incentive_multiplier
from history
where is_latest_release
