-- The latest successful build of a dbt step ($step): its fingerprint and run.
select
    fingerprint,
    run_id
from raw._dbt_builds
where step = $step
order by built_at desc
limit 1
