select
    team_id,
    team_name,
    branch_id
from {{ ref('stg_teams') }}
