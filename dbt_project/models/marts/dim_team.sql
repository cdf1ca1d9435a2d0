{#- Each team as of its latest delivery (the branch history is in int_team_history). -#}
with team_history as (
    select * from {{ ref('int_team_history') }}
)

select
    team_id,
    team_name,
    branch_id
from team_history
where valid_to is null
