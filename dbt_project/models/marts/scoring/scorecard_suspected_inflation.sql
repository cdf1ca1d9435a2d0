{#- Suspected inflation per month and entity (spec, "Anti-gaming"): member-days above the
    template's daily event limit, and the share of the entity's events they hold. -#}
with int_template_in_force as (
    select * from {{ ref('int_template_in_force') }}
),

int_scoring_events as (
    select * from {{ ref('int_scoring_events') }}
),

events_by_entity as (
    {{ fan_out_entities('int_scoring_events', ['period_month', 'member_id', 'activity_date', 'is_excluded']) }}
)

select
    events_by_entity.period_month,
    events_by_entity.entity_level,
    events_by_entity.entity_id,
    months.template_version,
    cast(count(
        distinct case
            when events_by_entity.is_excluded
                then
                    {{ dbt.concat(['events_by_entity.member_id', "'|'", dbt.cast('events_by_entity.activity_date', dbt.type_string())]) }}
        end
    ) as {{ dbt.type_int() }}) as excluded_member_days,
    cast(sum(case when events_by_entity.is_excluded then 1 else 0 end) as {{ dbt.type_int() }}) as excluded_events,
    cast(count(*) as {{ dbt.type_int() }}) as events,
    cast(sum(case when events_by_entity.is_excluded then 1 else 0 end) as double) / count(*) as excluded_share
from events_by_entity
inner join int_template_in_force as months on events_by_entity.period_month = months.period_month
where {{ in_partition_window('events_by_entity.period_month') }}
group by
    events_by_entity.period_month, events_by_entity.entity_level, events_by_entity.entity_id, months.template_version
