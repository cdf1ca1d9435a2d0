select coalesce(max(release_id), 0) + 1 as release_id
from published.scorecard_release
