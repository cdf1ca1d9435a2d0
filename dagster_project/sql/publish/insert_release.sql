insert into published.scorecard_release (
    release_id,
    period_month,
    template_version,
    published_at,
    run_id,
    row_count,
    content_hash,
    gate_summary,
    hashed_columns,
    reason,
    hash_version
)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
