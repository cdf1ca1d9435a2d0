-- One row per dbt build of the master data that succeeded (append-only): what it was built from,
-- so that a run whose master data did not change skips the build.
create schema if not exists raw;

create table if not exists raw._dbt_builds (
    step varchar not null,
    fingerprint varchar not null,
    run_id varchar not null,
    built_at timestamp not null
);
