insert into raw._dbt_builds
values ($step, $fingerprint, $run_id, now())
