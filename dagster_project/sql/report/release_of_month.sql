-- The release a report is built from: the given one, or the month's latest (none: provisional).
select
    release_id,
    period_month,
    published_at,
    template_version,
    content_hash,
    gate_summary,
    reason
from published.scorecard_release
where
    period_month = $period_month
    and ($release_id is null or release_id = $release_id)
order by release_id desc
limit 1
