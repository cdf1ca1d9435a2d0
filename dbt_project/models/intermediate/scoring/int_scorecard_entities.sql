{#- The entities scored each month, with the role whose indicator set scores them and their branch
    on the period's last day (peer group and key-client coverage).
    A manager is scored for a month when a history row of theirs overlaps it (the row's own span,
    int_manager_history.assigned_from/assigned_to; spec, "Readings settled for v2"): one whose
    first row starts after the period, or whose rows all ended before it, is not scored (their
    communities still count for the team and branch of their last row). By the template's
    `managers_scored` parameter:
    - community_owners (v1): those of them who own a community that exists by the period's end,
      each as `community_operator` (spec, "Roles": v1 applies to each community's owner manager);
    - by_role (v2, spec "Role-fitting assessment"): all of them, under the role of the row in
      force on the period's last day, or of the month's last row when every row ended earlier.
      Branch: that row's team's branch on the last day.
    Teams and branches, under either: every team and branch of an owner at the period's end, or
    with engagement or loan business of its own in the month, scored under the
    `community_operator` set (v2 keeps the v1 set for them). -#}
with stg_communities as (
    select * from {{ ref('stg_communities') }}
),

int_community_owner_history as (
    select * from {{ ref('int_community_owner_history') }}
),

int_engagement_events_attributed as (
    select * from {{ ref('int_engagement_events_attributed') }}
),

int_loan_business as (
    select * from {{ ref('int_loan_business') }}
),

int_manager_history as (
    select * from {{ ref('int_manager_history') }}
),

int_team_history as (
    select * from {{ ref('int_team_history') }}
),

months as (
    select * from {{ ref('int_template_in_force') }}
    where {{ in_partition_window('period_month') }}
),

managers_in_month as (
    select distinct
        months.period_month,
        history.manager_id
    from months
    inner join int_manager_history as history
        on
            history.assigned_from <= months.period_end_date
            and (history.assigned_to is null or history.assigned_to > months.period_month)
),

owners_at_end as (
    select
        months.period_month,
        owners.manager_id,
        owners.team_id,
        owners.branch_id
    from months
    inner join stg_communities as communities on months.next_month_start > communities.created_at
    inner join int_community_owner_history as owners
        on communities.community_id = owners.community_id and {{ holds_on('owners', 'months.period_end_date') }}
),

active_in_month as (
    select
        period_month,
        manager_id,
        team_id,
        branch_id
    from int_engagement_events_attributed
    group by period_month, manager_id, team_id, branch_id
    union all
    select
        cast({{ dbt.date_trunc('month', 'lead_created_at') }} as date) as period_month,
        manager_id,
        team_id,
        branch_id
    from int_loan_business
    group by {{ dbt.date_trunc('month', 'lead_created_at') }}, manager_id, team_id, branch_id
),

candidates as (
    select
        fanned.entity_level,
        fanned.entity_id,
        fanned.period_month
    from (
        {{ fan_out_entities('owners_at_end', ['period_month']) }}
    ) as fanned
    inner join months on fanned.period_month = months.period_month
    left join managers_in_month
        on
            fanned.entity_level = 'manager'
            and fanned.period_month = managers_in_month.period_month
            and fanned.entity_id = managers_in_month.manager_id
    where
        fanned.entity_level <> 'manager'
        or (months.managers_scored = 'community_owners' and managers_in_month.manager_id is not null)
    union all
    select
        fanned.entity_level,
        fanned.entity_id,
        fanned.period_month
    from (
        {{ fan_out_entities('active_in_month', ['period_month']) }}
    ) as fanned
    where fanned.entity_level <> 'manager'
),

entities as (
    select distinct
        candidates.period_month,
        candidates.entity_level,
        candidates.entity_id
    from candidates
    inner join months on candidates.period_month = months.period_month
),

manager_branch as (
    select
        months.period_month,
        history.manager_id,
        history.branch_id
    from months
    inner join int_manager_history as history on {{ holds_on('history', 'months.period_end_date') }}
),

owners_and_pools as (
    select
        entities.period_month,
        entities.entity_level,
        entities.entity_id,
        cast('community_operator' as {{ dbt.type_string() }}) as role,
        case entities.entity_level
            when 'manager' then manager_branch.branch_id
            when 'team' then teams.branch_id
            else entities.entity_id
        end as home_branch_id
    from entities
    inner join months on entities.period_month = months.period_month
    left join manager_branch
        on
            entities.entity_level = 'manager'
            and entities.period_month = manager_branch.period_month
            and entities.entity_id = manager_branch.manager_id
    left join int_team_history as teams
        on
            entities.entity_level = 'team'
            and entities.entity_id = teams.team_id
            and {{ holds_on('teams', 'months.period_end_date') }}
),

managers_by_role as (
    select
        period_month,
        cast('manager' as {{ dbt.type_string() }}) as entity_level,
        manager_id as entity_id,
        role,
        branch_id as home_branch_id
    from (
        select
            months.period_month,
            history.manager_id,
            history.role,
            history.branch_id,
            row_number() over (
                partition by months.period_month, history.manager_id
                order by coalesce(history.valid_from, history.assigned_from) desc
            ) as latest_first
        from months
        inner join managers_in_month on months.period_month = managers_in_month.period_month
        inner join int_manager_history as history
            on
                managers_in_month.manager_id = history.manager_id
                and (history.valid_from is null or history.valid_from <= months.period_end_date)
        where months.managers_scored = 'by_role'
    ) as rows_of_month
    where latest_first = 1
),

scored as (
    select * from owners_and_pools
    union all
    select * from managers_by_role
)

select
    scored.period_month,
    scored.entity_level,
    scored.entity_id,
    months.template_version,
    scored.role,
    scored.home_branch_id
from scored
inner join months on scored.period_month = months.period_month
