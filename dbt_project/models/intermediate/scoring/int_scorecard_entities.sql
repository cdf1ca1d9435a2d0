{#- The entities scored each month: the owners of the communities that exist by the period's end,
    with their team and branch on the last day, plus every team and branch that has engagement
    or loan business of its own in the month. Each with its branch on the last day (peer group
    and key-client coverage). -#}
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
    {{ fan_out_entities('owners_at_end', ['period_month']) }}
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
)

select
    entities.period_month,
    entities.entity_level,
    entities.entity_id,
    months.template_version,
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
