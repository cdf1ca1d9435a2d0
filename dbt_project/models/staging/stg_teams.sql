with latest as (
    {{ latest_delivery(source('raw', 'teams'), ['team_id']) }}
)

select
    team_id,
    branch_id,
    team_name
from latest
