-- The record of one release (published.scorecard_release), written after its rows: $1 release id
-- ... $11 hash version, in the table's column order.
select
    cast($1 as bigint) as release_id,
    cast($2 as date) as period_month,
    cast($3 as varchar) as template_version,
    cast($4 as timestamp) as published_at,
    cast($5 as varchar) as run_id,
    cast($6 as bigint) as row_count,
    cast($7 as varchar) as content_hash,
    cast($8 as varchar) as gate_summary,
    cast($9 as varchar) as hashed_columns,
    cast($10 as varchar) as reason,
    cast($11 as integer) as hash_version
