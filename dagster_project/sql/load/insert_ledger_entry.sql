insert into raw._file_ledger (
    feed,
    file_name,
    file_date,
    size_bytes,
    sha256,
    encoding,
    status,
    rows_loaded,
    rows_quarantined,
    message,
    loaded_at,
    attributed_months,
    rows_read,
    rows_superseded
)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
