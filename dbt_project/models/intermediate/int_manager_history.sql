{#- Who a manager is on any day: role and team from the managers history, and that team's branch
    on the same day from the teams history (spec, "Entity of a community").
    A managers row holds from valid_from inclusive to valid_to exclusive (null = open); an open
    row followed by a later one is closed at the later row's valid_from. A date before the
    manager's first row takes the first row, so the first row is open towards the past here
    (valid_from null; assigned_from keeps the delivered date). Each row is split where its
    team changes branch, so one row gives team and branch for every day it holds. -#}
with managers as (
    select * from {{ ref('stg_managers') }}
),

team_history as (
    select * from {{ ref('int_team_history') }}
),

assignments as (
    select
        manager_id,
        role,
        team_id,
        valid_from as assigned_from,
        coalesce(
            valid_to,
            lead(valid_from) over (partition by manager_id order by valid_from)
        ) as assigned_to,
        case
            when row_number() over (partition by manager_id order by valid_from) > 1 then valid_from
        end as holds_from
    from managers
),

periods as (
    select
        assignments.manager_id,
        assignments.role,
        assignments.team_id,
        team_history.branch_id,
        assignments.assigned_from,
        assignments.assigned_to,
        assignments.holds_from,
        team_history.valid_from as team_from,
        team_history.valid_to as team_to
    from assignments
    left join team_history
        on
            assignments.team_id = team_history.team_id
            and (
                team_history.valid_from is null
                or assignments.assigned_to is null
                or team_history.valid_from < assignments.assigned_to
            )
            and (
                team_history.valid_to is null
                or assignments.holds_from is null
                or team_history.valid_to > assignments.holds_from
            )
)

select
    manager_id,
    role,
    team_id,
    branch_id,
    assigned_from,
    assigned_to,
    case
        when holds_from is null then team_from
        when team_from is null then holds_from
        when team_from > holds_from then team_from
        else holds_from
    end as valid_from,
    case
        when assigned_to is null then team_to
        when team_to is null then assigned_to
        when team_to < assigned_to then team_to
        else assigned_to
    end as valid_to
from periods
