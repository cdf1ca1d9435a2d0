{{ config(materialized='incremental', event_time='activity_date') }}

{#- Events per member and local day across all communities: the base of the anti-gaming rule
    (a member-day above the template's limit is excluded from engagement indicators). -#}
with stg_engagement_events as (
    select * from {{ ref('stg_engagement_events') }}
)

select
    member_id,
    activity_date,
    count(*) as event_count,
    count(distinct community_id) as community_count
from stg_engagement_events
where {{ in_partition_window('activity_date') }}
group by member_id, activity_date
