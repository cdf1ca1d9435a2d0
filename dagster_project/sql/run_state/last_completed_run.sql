-- The latest run that finished over every month of its landing zone.
select
    run_id,
    first_month,
    last_month,
    build_fingerprint,
    landing_fingerprint,
    local_day,
    finished_at
from raw._completed_runs
order by finished_at desc
limit 1
