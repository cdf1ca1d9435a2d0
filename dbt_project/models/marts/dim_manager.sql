{#- Slowly changing (type 2): one row per period in which a manager's role, team and that team's
    branch stay the same, from the delivered valid_from on; join on valid_from <= day <
    coalesce(valid_to, far future) to find a manager's team on a day. (Scoring reads
    int_manager_history, whose first row also covers the days before it.) -#}
with manager_history as (
    select * from {{ ref('int_manager_history') }}
),

delivered_periods as (
    select
        manager_id,
        role,
        team_id,
        branch_id,
        case
            when valid_from is null or valid_from < assigned_from then assigned_from
            else valid_from
        end as valid_from,
        valid_to
    from manager_history
    where valid_to is null or valid_to > assigned_from
)

select
    {{ dbt.concat(['manager_id', "'|'", dbt.cast('valid_from', dbt.type_string())]) }} as manager_version_key,
    manager_id,
    role,
    team_id,
    branch_id,
    valid_from,
    valid_to,
    valid_to is null as is_current
from delivered_periods
