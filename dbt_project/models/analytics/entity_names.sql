-- The names people look for beside the ids: branch and team names (not PII; managers' names are,
-- so a manager keeps their id only).
with branches as (
    select * from {{ ref('dim_branch') }}
),

teams as (
    select * from {{ ref('dim_team') }}
)

select
    'branch' as entity_level,
    branch_id as entity_id,
    branch_name as entity_name
from branches
union all
select
    'team' as entity_level,
    teams.team_id as entity_id,
    {{ dbt.concat(["teams.team_name", "' · '", "coalesce(branches.branch_name, teams.branch_id)"]) }} as entity_name
from teams
left join branches on teams.branch_id = branches.branch_id
