{#- Activity indicators per month and entity: ACT_MONTHLY_ACTIVE_RATE, ACT_STICKINESS,
    ACT_ENGAGEMENT_PER_MEMBER, ACT_RETENTION_M1, ACT_FIRST_RESPONSE_MIN.
    Staff events and anti-gaming exclusions are left out everywhere ("activity"); an event
    belongs to the entity of its community on its local date, a member at period end (and,
    for ACT_MONTHLY_ACTIVE_RATE, whether that member was active in the entity's communities)
    to the entity on the period's last day.
    First response reads int_question_first_answers.
    Choice (spec silent): retention counts an event in any of the entity's communities. -#}
with int_scoring_events as (
    select * from {{ ref('int_scoring_events') }}
),

int_community_owner_history as (
    select * from {{ ref('int_community_owner_history') }}
),

int_membership_spells as (
    select * from {{ ref('int_membership_spells') }}
),

int_period_members as (
    select * from {{ ref('int_period_members') }}
),

int_question_first_answers as (
    select * from {{ ref('int_question_first_answers') }}
),

months as (
    select * from {{ ref('int_template_in_force') }}
    where {{ in_partition_window('period_month') }}
),

counted_events as (
    select *
    from int_scoring_events
    where not is_staff_event and not is_excluded
),

events_by_entity as (
    {{ fan_out_entities('counted_events', ['period_month', 'member_id', 'activity_date', 'activity_weight']) }}
),

members_at_end as (
    select distinct fanned.period_month, fanned.entity_level, fanned.entity_id, fanned.member_id
    from ({{ fan_out_entities('int_period_members', ['period_month', 'member_id']) }}) as fanned
    inner join months on fanned.period_month = months.period_month
),

active_members as (
    select distinct period_month, entity_level, entity_id, member_id
    from events_by_entity
),

active_in_communities as (
    {#- ACT_MONTHLY_ACTIVE_RATE reads "actives among the members at period end" on the period's
        last day (spec, Definitions): a member is active for the entity that owns, on the last
        day, a community the member had a counted event in during the period. #}
    select distinct period_month, community_id, member_id
    from counted_events
),

active_at_end as (
    select
        active_in_communities.period_month,
        active_in_communities.member_id,
        owners.manager_id,
        owners.team_id,
        owners.branch_id
    from active_in_communities
    inner join months on active_in_communities.period_month = months.period_month
    inner join int_community_owner_history as owners
        on
            active_in_communities.community_id = owners.community_id
            and {{ holds_on('owners', 'months.period_end_date') }}
),

active_members_at_end as (
    select distinct fanned.period_month, fanned.entity_level, fanned.entity_id, fanned.member_id
    from ({{ fan_out_entities('active_at_end', ['period_month', 'member_id']) }}) as fanned
),

monthly_active as (
    select
        members_at_end.period_month,
        members_at_end.entity_level,
        members_at_end.entity_id,
        count(*) as members,
        count(active_members_at_end.member_id) as active
    from members_at_end
    left join active_members_at_end
        on
            {{ same_entity_month('members_at_end', 'active_members_at_end') }}
            and members_at_end.member_id = active_members_at_end.member_id
    group by members_at_end.period_month, members_at_end.entity_level, members_at_end.entity_id
),

daily_active as (
    select period_month, entity_level, entity_id, activity_date, count(distinct member_id) as dau
    from events_by_entity
    group by period_month, entity_level, entity_id, activity_date
),

stickiness as (
    select
        daily.period_month,
        daily.entity_level,
        daily.entity_id,
        cast(sum(daily.dau) as double) / max(months.elapsed_days) as mean_dau,
        max(mau.mau) as mau
    from daily_active as daily
    inner join months on daily.period_month = months.period_month
    inner join (
        select period_month, entity_level, entity_id, count(*) as mau
        from active_members
        group by period_month, entity_level, entity_id
    ) as mau
        on {{ same_entity_month('daily', 'mau') }}
    group by daily.period_month, daily.entity_level, daily.entity_id
),

weighted as (
    select period_month, entity_level, entity_id, sum(activity_weight) as weighted_events
    from events_by_entity
    group by period_month, entity_level, entity_id
),

engagement as (
    select
        monthly_active.period_month,
        monthly_active.entity_level,
        monthly_active.entity_id,
        coalesce(weighted.weighted_events, 0) as weighted_events,
        monthly_active.members
    from monthly_active
    left join weighted
        on {{ same_entity_month('monthly_active', 'weighted') }}
),

joined_last_month as (
    select
        months.period_month,
        spells.member_id,
        owners.manager_id,
        owners.team_id,
        owners.branch_id
    from months
    inner join int_membership_spells as spells
        on
            not spells.is_staff
            and spells.joined_at >= {{ dbt.dateadd('month', -1, 'months.period_month') }}
            and spells.joined_at < months.period_month
    left join int_community_owner_history as owners
        on spells.community_id = owners.community_id and {{ holds_on('owners', 'cast(spells.joined_at as date)') }}
),

cohort as (
    select distinct fanned.period_month, fanned.entity_level, fanned.entity_id, fanned.member_id
    from ({{ fan_out_entities('joined_last_month', ['period_month', 'member_id']) }}) as fanned
),

retention as (
    select
        cohort.period_month,
        cohort.entity_level,
        cohort.entity_id,
        count(*) as cohort_members,
        count(active_members.member_id) as retained
    from cohort
    left join active_members
        on
            {{ same_entity_month('cohort', 'active_members') }}
            and cohort.member_id = active_members.member_id
    group by cohort.period_month, cohort.entity_level, cohort.entity_id
),

first_response as (
    select
        period_month,
        entity_level,
        entity_id,
        {{ median('minutes') }} as median_minutes,
        count(*) as questions
    from ({{ fan_out_entities('int_question_first_answers', ['period_month', 'minutes']) }}) as fanned
    group by period_month, entity_level, entity_id
)

select
    period_month,
    entity_level,
    entity_id,
    'ACT_MONTHLY_ACTIVE_RATE' as indicator_code,
    cast(active as double) as numerator,
    cast(members as double) as denominator,
    cast(active as double) / members as value
from monthly_active
union all
select
    period_month,
    entity_level,
    entity_id,
    'ACT_STICKINESS',
    cast(mean_dau as double),
    cast(mau as double),
    mean_dau / mau
from stickiness
union all
select
    period_month,
    entity_level,
    entity_id,
    'ACT_ENGAGEMENT_PER_MEMBER',
    cast(weighted_events as double),
    cast(members as double),
    cast(weighted_events as double) / members
from engagement
union all
select
    period_month,
    entity_level,
    entity_id,
    'ACT_RETENTION_M1',
    cast(retained as double),
    cast(cohort_members as double),
    cast(retained as double) / cohort_members
from retention
union all
select
    period_month,
    entity_level,
    entity_id,
    'ACT_FIRST_RESPONSE_MIN',
    cast(median_minutes as double),
    cast(questions as double),
    cast(median_minutes as double)
from first_response
