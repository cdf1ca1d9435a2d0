select
    release_id,
    content_hash,
    hashed_columns
from published.scorecard_release
where period_month = $period_month
order by release_id desc
limit 1
