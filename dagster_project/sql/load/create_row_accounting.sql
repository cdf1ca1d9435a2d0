-- Accounting per feed and month of file date: every row any delivery read is in raw, in
-- quarantine, or was superseded by a re-delivery of its file; rows_unaccounted must be 0
-- (the ingestion_health gate). Reads raw._raw_file_rows (every raw row's file, all feeds).
create or replace view raw._row_accounting as
with

attempts as (
    select
        feed,
        file_name,
        file_date,
        sum(rows_read) as rows_read,
        sum(rows_superseded) as rows_superseded
    from raw._file_ledger
    where status = 'loaded'
    group by feed, file_name, file_date
),

in_raw as (
    select
        _file_name as file_name,
        count(*) as n
    from raw._raw_file_rows
    group by _file_name
),

in_quarantine as (
    select
        file_name,
        count(*) as n
    from raw._quarantine
    group by file_name
)

select
    attempts.feed,
    attempts.file_date,
    count(*) as files,
    sum(attempts.rows_read) as rows_read,
    sum(coalesce(in_raw.n, 0)) as rows_in_raw,
    sum(coalesce(in_quarantine.n, 0)) as rows_in_quarantine,
    sum(attempts.rows_superseded) as rows_superseded,
    sum(attempts.rows_read) - sum(coalesce(in_raw.n, 0)) - sum(coalesce(in_quarantine.n, 0))
    - sum(attempts.rows_superseded) as rows_unaccounted
from attempts
left join in_raw on attempts.file_name = in_raw.file_name
left join in_quarantine on attempts.file_name = in_quarantine.file_name
group by attempts.feed, attempts.file_date
