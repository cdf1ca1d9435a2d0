select *
from published.scorecard_release
order by release_id
