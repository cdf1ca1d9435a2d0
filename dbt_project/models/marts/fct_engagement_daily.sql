{{ config(materialized='incremental', event_time='activity_date') }}

{#- Grain: community x member x local day. Counts per event type, Orbit-weighted engagement,
    whether the member is a staff account of the community, and the member's events that
    day across all communities (for the anti-gaming rule). -#}
{%- set event_types = ['message', 'reply', 'reaction', 'share', 'content_view', 'content_click',
                       'event_signup', 'event_attend', 'question', 'answer', 'survey_response'] -%}
with stg_engagement_events as (
    select * from {{ ref('stg_engagement_events') }}
),

activity_weights as (
    select * from {{ ref('activity_weights') }}
),

stg_memberships as (
    select * from {{ ref('stg_memberships') }}
),

int_member_day_activity as (
    select * from {{ ref('int_member_day_activity') }}
),

events as (
    select
        events.community_id,
        events.member_id,
        events.activity_date,
        events.event_type,
        coalesce(weights.weight, 0) as weight
    from stg_engagement_events as events
    left join activity_weights as weights on events.event_type = weights.event_type
    where {{ in_partition_window('events.activity_date') }}
),

staff_accounts as (
    select distinct
        community_id,
        member_id
    from stg_memberships
    where is_staff
),

daily as (
    select
        community_id,
        member_id,
        activity_date,
        {% for event_type in event_types -%}
            sum(case when event_type = '{{ event_type }}' then 1 else 0 end) as {{ event_type }}_count,
        {% endfor -%}
        sum(weight) as weighted_events,
        count(*) as event_count
    from events
    group by community_id, member_id, activity_date
)

select
    {{ dbt.concat([
        'daily.community_id', "'|'", 'daily.member_id', "'|'",
        dbt.cast('daily.activity_date', dbt.type_string())
    ]) }} as engagement_day_key,
    daily.community_id,
    daily.member_id,
    daily.activity_date,
    cast({{ dbt.date_trunc('month', 'daily.activity_date') }} as date) as activity_month,
    staff_accounts.member_id is not null as is_staff,
    cast(daily.event_count as {{ dbt.type_int() }}) as event_count,
    cast(daily.weighted_events as {{ dbt.type_int() }}) as weighted_events,
    {% for event_type in event_types -%}
        cast(daily.{{ event_type }}_count as {{ dbt.type_int() }}) as {{ event_type }}_count,
    {% endfor -%}
    cast(member_days.event_count as {{ dbt.type_int() }}) as member_day_event_count
from daily
left join staff_accounts
    on daily.community_id = staff_accounts.community_id and daily.member_id = staff_accounts.member_id
left join int_member_day_activity as member_days
    on daily.member_id = member_days.member_id and daily.activity_date = member_days.activity_date
