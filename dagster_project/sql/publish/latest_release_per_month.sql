-- The latest release of every month.
select
    period_month,
    release_id,
    run_id,
    content_hash
from published.scorecard_release
qualify row_number() over (partition by period_month order by release_id desc) = 1
