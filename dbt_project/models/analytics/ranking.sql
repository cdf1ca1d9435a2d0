-- Who ranks where in each peer group, from the latest release of each month.
with published as (
    select * from {{ ref('published_scorecard') }}
)

select
    period_month,
    entity_level,
    peer_group,
    rank_in_peer_group,
    entity_id,
    entity_name,
    role,
    final_score,
    grade,
    percentile,
    incentive_multiplier,
    veto,
    count(*) over (partition by period_month, entity_level, peer_group) as peer_group_size,
    release_id
from published
where scoring_status = 'scored'
