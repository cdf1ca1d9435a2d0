insert into analytics.whatif_comparison (
    compared_at,
    period_month,
    entity_level,
    entity_id,
    current_version,
    candidate_version,
    role_in_force,
    candidate_role,
    current_score,
    candidate_score,
    score_change,
    current_grade,
    candidate_grade,
    current_rank,
    candidate_rank,
    rank_change
)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
