{{ config(materialized='view') }}
{#- Engagement events of the scored months with the anti-gaming flag: every event of a member on
    a local day with more events (any type, all communities) than the template's limit is
    excluded from the engagement indicators (spec, "Anti-gaming"). -#}
with int_engagement_events_attributed as (
    select * from {{ ref('int_engagement_events_attributed') }}
),

int_template_in_force as (
    select * from {{ ref('int_template_in_force') }}
),

int_member_day_activity as (
    select * from {{ ref('int_member_day_activity') }}
)

select
    events.*,
    coalesce(member_days.event_count > months.anti_gaming_daily_event_limit, false) as is_excluded
from int_engagement_events_attributed as events
inner join int_template_in_force as months on events.period_month = months.period_month
left join int_member_day_activity as member_days
    on events.member_id = member_days.member_id and events.activity_date = member_days.activity_date
