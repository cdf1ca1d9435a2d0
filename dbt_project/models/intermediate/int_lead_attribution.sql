{#- Attribution of each lead to communities (spec "Attribution of loan business"):
    1. a named source_community_id gets 100 %;
    2. otherwise the communities the client touched in [created_at - 180 days, created_at),
       ordered by first touch (ties by community_id): one 100 %, two 50/50, three or more
       40 % first, 40 % last, 20 % split evenly over the middle ones;
    3. otherwise no row (not community business).
    A touch is the joined_at of a non-staff membership of a member linked to the client, or any
    engagement event of such a member. Shares per lead add up to 1. -#}
with stg_leads as (
    select * from {{ ref('stg_leads') }}
),

stg_memberships as (
    select * from {{ ref('stg_memberships') }}
),

stg_engagement_events as (
    select * from {{ ref('stg_engagement_events') }}
),

leads as (
    select
        lead_id,
        client_id,
        created_at,
        source_community_id
    from stg_leads
),

memberships as (
    select
        member_id,
        community_id,
        client_id,
        joined_at
    from stg_memberships
    where not is_staff
),

linked_members as (
    select distinct
        member_id,
        client_id
    from memberships
    where client_id is not null
),

unsourced_leads as (
    select
        lead_id,
        client_id,
        created_at,
        {{ dbt.dateadd('day', -180, 'created_at') }} as window_start
    from leads
    where source_community_id is null
),

join_touches as (
    select
        unsourced_leads.lead_id,
        memberships.community_id,
        memberships.joined_at as touched_at
    from unsourced_leads
    inner join linked_members on unsourced_leads.client_id = linked_members.client_id
    inner join memberships on linked_members.member_id = memberships.member_id
    where
        memberships.joined_at >= unsourced_leads.window_start
        and memberships.joined_at < unsourced_leads.created_at
),

event_touches as (
    select
        unsourced_leads.lead_id,
        events.community_id,
        events.occurred_at as touched_at
    from unsourced_leads
    inner join linked_members on unsourced_leads.client_id = linked_members.client_id
    inner join stg_engagement_events as events
        on linked_members.member_id = events.member_id
    where
        events.occurred_at >= unsourced_leads.window_start
        and events.occurred_at < unsourced_leads.created_at
),

first_touches as (
    select
        lead_id,
        community_id,
        min(touched_at) as first_touch_at
    from (
        select * from join_touches
        union all
        select * from event_touches
    ) as touches
    group by lead_id, community_id
),

ordered as (
    select
        lead_id,
        community_id,
        first_touch_at,
        row_number() over (partition by lead_id order by first_touch_at, community_id) as touch_order,
        count(*) over (partition by lead_id) as communities_touched
    from first_touches
),

touch_shares as (
    select
        lead_id,
        community_id,
        'touch' as attribution_rule,
        touch_order,
        communities_touched,
        first_touch_at,
        cast(case
            when communities_touched = 1 then 1
            when communities_touched = 2 then 0.5
            when touch_order = 1 or touch_order = communities_touched then 0.4
            else cast(0.2 as double) / (communities_touched - 2)
        end as double) as share
    from ordered
),

explicit_shares as (
    select
        lead_id,
        source_community_id as community_id,
        'explicit_source' as attribution_rule,
        1 as touch_order,
        1 as communities_touched,
        cast(null as {{ dbt.type_timestamp() }}) as first_touch_at,
        cast(1 as double) as share
    from leads
    where source_community_id is not null
)

select
    lead_id,
    community_id,
    attribution_rule,
    cast(touch_order as {{ dbt.type_int() }}) as touch_order,
    cast(communities_touched as {{ dbt.type_int() }}) as communities_touched,
    first_touch_at,
    cast(share as double) as share
from (
    select * from explicit_shares
    union all
    select * from touch_shares
) as shares
