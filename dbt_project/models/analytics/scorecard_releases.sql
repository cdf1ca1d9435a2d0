-- Every release, with whether it is the latest of its month (the one in force): the one place
-- the analytics views learn which release of a month is final.
with releases as (
    select * from {{ source('published', 'scorecard_release') }}
)

select
    release_id,
    period_month,
    template_version,
    published_at,
    content_hash,
    gate_summary,
    reason,
    release_id = max(release_id) over (partition by period_month) as is_latest_release
from releases
