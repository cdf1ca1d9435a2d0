-- The scorecards of one release.
select
    entity_level,
    entity_id,
    entity_name,
    role,
    template_version,
    scoring_status,
    not_scored_reason,
    peer_group,
    rank_in_peer_group,
    final_score,
    grade,
    percentile,
    incentive_multiplier,
    base_points,
    bonus,
    penalty,
    veto,
    veto_reason
from analytics.published_scorecard_history
where release_id = $release_id
order by entity_level, peer_group, rank_in_peer_group nulls last, entity_id
