-- Every result of every quality gate (a suite on the asset it guards, `guards`), per month
-- (append-only): publication reads the latest result of each gate for the month.
create schema if not exists quality;

create table if not exists quality.gate_results (
    checked_at timestamp not null,
    run_id varchar,
    period_month date not null,
    suite varchar not null,
    guards varchar not null,
    passed boolean not null,
    rows_validated bigint,
    expectations_evaluated integer,
    failures varchar
);
