{#- SCD2 of managers: which team (and so branch) a manager belongs to on each day.
    A row holds from valid_from inclusive to valid_to exclusive (null = open); an open row
    followed by a later one is closed at the later row's valid_from. -#}
with managers as (
    select * from {{ ref('stg_managers') }}
)

select
    managers.manager_id,
    managers.role,
    managers.team_id,
    teams.branch_id,
    managers.valid_from,
    coalesce(
        managers.valid_to,
        lead(managers.valid_from) over (partition by managers.manager_id order by managers.valid_from)
    ) as valid_to
from managers
left join {{ ref('stg_teams') }} as teams on managers.team_id = teams.team_id
