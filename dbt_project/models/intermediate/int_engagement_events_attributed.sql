{{ config(materialized='incremental', event_time='activity_date') }}

{#- Every engagement event with its local month, whether the actor is a staff account of the
    community, its Orbit weight, and the community's entity on the event's local date. -#}
with stg_memberships as (
    select * from {{ ref('stg_memberships') }}
),

stg_engagement_events as (
    select * from {{ ref('stg_engagement_events') }}
),

activity_weights as (
    select * from {{ ref('activity_weights') }}
),

int_community_owner_history as (
    select * from {{ ref('int_community_owner_history') }}
),

staff_accounts as (
    select distinct
        community_id,
        member_id
    from stg_memberships
    where is_staff
)

select
    events.event_id,
    events.occurred_at,
    events.activity_date,
    cast({{ dbt.date_trunc('month', 'events.activity_date') }} as date) as period_month,
    events.community_id,
    events.member_id,
    events.event_type,
    events.content_id,
    coalesce(weights.weight, 0) as activity_weight,
    staff_accounts.member_id is not null as is_staff_event,
    owners.manager_id,
    owners.team_id,
    owners.branch_id
from stg_engagement_events as events
left join staff_accounts
    on events.community_id = staff_accounts.community_id and events.member_id = staff_accounts.member_id
left join activity_weights as weights on events.event_type = weights.event_type
left join int_community_owner_history as owners
    on events.community_id = owners.community_id and {{ holds_on('owners', 'events.activity_date') }}
where {{ in_partition_window('events.activity_date') }}
