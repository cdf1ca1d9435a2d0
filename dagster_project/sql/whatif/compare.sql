-- A month's scorecards under the version in force (marts) beside a candidate version (whatif),
-- with the role each scored the entity under, largest score changes first. Parameter:
-- $period_month (the month's first day).
with

current_version as (
    select *
    from marts.scorecard
    where period_month = $period_month
),

candidate as (
    select *
    from whatif.scorecard
    where period_month = $period_month
)

select
    coalesce(current_version.entity_level, candidate.entity_level) as entity_level,
    coalesce(current_version.entity_id, candidate.entity_id) as entity_id,
    current_version.template_version as current_version,
    candidate.template_version as candidate_version,
    current_version.role as role_in_force,
    candidate.role as candidate_role,
    current_version.final_score as current_score,
    candidate.final_score as candidate_score,
    candidate.final_score - current_version.final_score as score_change,
    current_version.grade as current_grade,
    candidate.grade as candidate_grade,
    current_version.rank_in_peer_group as current_rank,
    candidate.rank_in_peer_group as candidate_rank,
    candidate.rank_in_peer_group - current_version.rank_in_peer_group as rank_change
from current_version
full outer join candidate
    on
        current_version.entity_level = candidate.entity_level
        and current_version.entity_id = candidate.entity_id
order by entity_level asc, abs(coalesce(score_change, 0)) desc, entity_id asc
