{#- Who a manager is on any day: role and team from the managers history, and that team's branch
    on the same day from the teams history (spec, "Entity of a community").
    A manager's rows are one timeline ordered by valid_from. A row's own span (assigned_from,
    assigned_to) ends at the earlier of its valid_to and the next row's valid_from (who is
    scored reads it). For mapping a date to a row, every date maps to exactly one row: a row
    holds from its valid_from until the next row's valid_from, so a gap after a row ended, or
    the time after the last row ended, takes the latest row that started before it; a date
    before the first row takes the first row (valid_from null, open to the past; the last row
    is open to the future). Each row is split where its team changes branch, so one row gives
    team and branch for every day it holds. -#}
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
        case
            when next_valid_from is null then valid_to
            when valid_to is null or next_valid_from < valid_to then next_valid_from
            else valid_to
        end as assigned_to,
        case when row_number() over (partition by manager_id order by valid_from) > 1 then valid_from end
            as holds_from,
        next_valid_from as holds_to
    from (
        select
            *,
            lead(valid_from) over (partition by manager_id order by valid_from) as next_valid_from
        from managers
    ) as ordered
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
        assignments.holds_to,
        team_history.valid_from as team_from,
        team_history.valid_to as team_to
    from assignments
    left join team_history
        on
            assignments.team_id = team_history.team_id
            and (
                team_history.valid_from is null
                or assignments.holds_to is null
                or team_history.valid_from < assignments.holds_to
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
        when holds_to is null then team_to
        when team_to is null then holds_to
        when team_to < holds_to then team_to
        else holds_to
    end as valid_to
from periods
