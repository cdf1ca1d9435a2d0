{#- Every penalty and compliance veto behind a scorecard (spec, "Bonus, penalty and veto"):
    compliance events count in the month of occurred_on, charged to the manager named and rolled
    up to the manager's team and branch on that day; a manager whose excluded (anti-gaming)
    events exceed the template's share of the events in their communities gets the template's
    penalty severity, rolled up the same way (team and branch on the period's last day).
    Points and vetoes per severity and level come from the template's penalties. -#}
with stg_compliance_events as (
    select * from {{ ref('stg_compliance_events') }}
),

int_manager_history as (
    select * from {{ ref('int_manager_history') }}
),

scorecard_suspected_inflation as (
    select * from {{ ref('scorecard_suspected_inflation') }}
),

stg_template_penalties as (
    select * from {{ ref('stg_template_penalties') }}
),

months as (
    select * from {{ ref('int_template_in_force') }}
    where {{ in_partition_window('period_month') }}
),

compliance as (
    select
        months.period_month,
        months.template_version,
        'compliance' as source,
        events.compliance_event_id as reference,
        events.severity,
        events.manager_id,
        history.team_id,
        history.branch_id,
        {{ dbt.concat([
            "'compliance event '", 'events.compliance_event_id',
            "' ('", 'events.severity', "', '", 'events.category', "')'"
        ]) }} as reason
    from stg_compliance_events as events
    inner join months on cast({{ dbt.date_trunc('month', 'events.occurred_on') }} as date) = months.period_month
    left join int_manager_history as history
        on events.manager_id = history.manager_id and {{ holds_on('history', 'events.occurred_on') }}
),

manager_inflation as (
    select *
    from scorecard_suspected_inflation
    where entity_level = 'manager'
),

anti_gaming as (
    select
        months.period_month,
        months.template_version,
        'anti_gaming' as source,
        'anti-gaming' as reference,
        months.anti_gaming_penalty_severity as severity,
        inflation.entity_id as manager_id,
        history.team_id,
        history.branch_id,
        {{ dbt.concat([
            "'anti-gaming: '", dbt.cast('inflation.excluded_events', dbt.type_string()),
            "' of '", dbt.cast('inflation.events', dbt.type_string()),
            "' events excluded, above the limit share '",
            dbt.cast('months.anti_gaming_excluded_share', dbt.type_string())
        ]) }} as reason
    from manager_inflation as inflation
    inner join months on inflation.period_month = months.period_month
    left join int_manager_history as history
        on inflation.entity_id = history.manager_id and {{ holds_on('history', 'months.period_end_date') }}
    where inflation.excluded_share > months.anti_gaming_excluded_share
),

charges as (
    select * from compliance
    union all
    select * from anti_gaming
),

by_entity as (
    {{ fan_out_entities('charges', ['period_month', 'template_version', 'source', 'reference', 'severity', 'reason']) }}
)

select
    by_entity.period_month,
    by_entity.entity_level,
    by_entity.entity_id,
    by_entity.template_version,
    by_entity.source,
    by_entity.reference,
    by_entity.severity,
    cast(case by_entity.entity_level
        when 'manager' then penalties.manager_points
        when 'team' then penalties.team_points
        else penalties.branch_points
    end as double) as penalty_points,
    by_entity.reason,
    case by_entity.entity_level
        when 'manager' then penalties.vetoes_manager
        when 'team' then penalties.vetoes_team
        else penalties.vetoes_branch
    end as is_veto
from by_entity
inner join stg_template_penalties as penalties
    on by_entity.template_version = penalties.template_version and by_entity.severity = penalties.severity
