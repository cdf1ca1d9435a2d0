-- The month's branches by final score: the highest first when $highest_first, else the lowest.
select
    entity_id,
    final_score,
    grade,
    peer_group,
    rank_in_peer_group,
    veto
from marts.scorecard
where entity_level = 'branch' and period_month = $period_month
order by
    case when $highest_first then -final_score else final_score end asc,
    entity_id asc
limit $count
