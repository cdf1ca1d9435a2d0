-- Every file the loader saw, one row per attempt (append-only), and the rows it quarantined.
create schema if not exists raw;

create table if not exists raw._file_ledger (
    feed varchar not null,
    file_name varchar not null,
    file_date date,
    size_bytes bigint,
    sha256 varchar,
    encoding varchar,
    status varchar not null,
    rows_loaded bigint,
    rows_quarantined bigint,
    message varchar,
    loaded_at timestamp not null,
    attributed_months varchar,
    rows_read bigint,
    rows_superseded bigint
);

-- ledgers written before attributed_months existed (their months follow from file_date)
alter table raw._file_ledger add column if not exists attributed_months varchar;
-- accounting (rows read = loaded + quarantined; a re-delivery supersedes the earlier rows)
alter table raw._file_ledger add column if not exists rows_read bigint;
alter table raw._file_ledger add column if not exists rows_superseded bigint;

-- ledgers written before the accounting: each loaded delivery read what it loaded and
-- quarantined, and superseded what the file's previous loaded delivery read
update raw._file_ledger set rows_read = rows_loaded + rows_quarantined
where status = 'loaded' and rows_read is null;

update raw._file_ledger as l set rows_superseded = coalesce(p.previous_read, 0)
from (
    select
        file_name,
        loaded_at,
        lag(rows_read) over (partition by file_name order by loaded_at) as previous_read
    from raw._file_ledger
    where status = 'loaded'
) as p
where
    l.status = 'loaded'
    and l.rows_superseded is null
    and l.file_name = p.file_name
    and l.loaded_at = p.loaded_at;

create table if not exists raw._quarantine (
    feed varchar not null,
    file_name varchar not null,
    file_date date,
    line_number bigint,
    rule varchar not null,
    raw_text varchar,
    quarantined_at timestamp not null
);
