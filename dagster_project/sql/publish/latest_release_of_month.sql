select
    release_id,
    content_hash,
    hashed_columns,
    coalesce(hash_version, 1) as hash_version
from published.scorecard_release
where period_month = $period_month
order by release_id desc
limit 1
