-- One row per release of one month's final scores (append-only). Releases made before reason
-- existed keep a null reason: the column is only ever added.
create schema if not exists published;

create table if not exists published.scorecard_release (
    release_id bigint not null,
    period_month date not null,
    template_version varchar,
    published_at timestamp not null,
    run_id varchar,
    row_count bigint not null,
    content_hash varchar not null,
    gate_summary varchar,
    hashed_columns varchar not null,
    reason varchar
);

alter table published.scorecard_release add column if not exists reason varchar;

-- how the content hash was taken (publish/releases.py, HASH_VERSION): releases made before it was
-- recorded are version 1
alter table published.scorecard_release add column if not exists hash_version integer default 1;
