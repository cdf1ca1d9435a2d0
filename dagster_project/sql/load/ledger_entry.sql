-- One row of raw._file_ledger: one attempt at one landing file (written last: the load's commit
-- record). $1 feed ... $14 rows superseded, in the ledger's column order.
select
    cast($1 as varchar) as feed,
    cast($2 as varchar) as file_name,
    cast($3 as date) as file_date,
    cast($4 as bigint) as size_bytes,
    cast($5 as varchar) as sha256,
    cast($6 as varchar) as encoding,
    cast($7 as varchar) as status,
    cast($8 as bigint) as rows_loaded,
    cast($9 as bigint) as rows_quarantined,
    cast($10 as varchar) as message,
    cast($11 as timestamp) as loaded_at,
    cast($12 as varchar) as attributed_months,
    cast($13 as bigint) as rows_read,
    cast($14 as bigint) as rows_superseded
