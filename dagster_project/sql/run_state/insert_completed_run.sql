-- Record a run that finished over every month of its landing zone.
insert into raw._completed_runs
values ($run_id, $first_month, $last_month, $build_fingerprint, $landing_fingerprint, $local_day, now());
