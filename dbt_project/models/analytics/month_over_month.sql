-- How each entity's score, grade and rank moved from its previous released month.
with published as (
    select * from {{ ref('published_scorecard') }}
),

with_previous as (
    select
        period_month,
        entity_level,
        entity_id,
        entity_name,
        role,
        final_score,
        grade,
        rank_in_peer_group,
        peer_group,
        release_id,
        lag(period_month) over (partition by entity_level, entity_id order by period_month) as previous_month,
        lag(final_score) over (partition by entity_level, entity_id order by period_month) as previous_final_score,
        lag(grade) over (partition by entity_level, entity_id order by period_month) as previous_grade,
        lag(rank_in_peer_group) over (
            partition by entity_level, entity_id order by period_month
        ) as previous_rank
    from published
)

select
    period_month,
    entity_level,
    entity_id,
    entity_name,
    role,
    peer_group,
    final_score,
    previous_final_score,
    -- at the final score's precision (4 decimals): the difference of two doubles reads
    -- 9.775099999999995 otherwise
    {{ round_double('final_score - previous_final_score', 4) }} as score_change,
    grade,
    previous_grade,
    rank_in_peer_group,
    previous_rank,
    previous_rank - rank_in_peer_group as places_gained,
    previous_month,
    release_id
from with_previous
