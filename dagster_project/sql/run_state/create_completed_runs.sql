-- One row per run that finished over every month of its landing zone (append-only): what it was
-- built from, so that a rerun with nothing new can say so instead of doing the work again.
create schema if not exists raw;

create table if not exists raw._completed_runs (
    run_id varchar not null,
    first_month varchar not null,
    last_month varchar not null,
    build_fingerprint varchar not null,
    landing_fingerprint varchar not null,
    local_day date not null,
    finished_at timestamp not null
);
