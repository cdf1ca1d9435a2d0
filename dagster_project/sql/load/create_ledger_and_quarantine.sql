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
    attributed_months varchar
);

-- ledgers written before attributed_months existed (their months follow from file_date)
alter table raw._file_ledger add column if not exists attributed_months varchar;

create table if not exists raw._quarantine (
    feed varchar not null,
    file_name varchar not null,
    file_date date,
    line_number bigint,
    rule varchar not null,
    raw_text varchar,
    quarantined_at timestamp not null
);
