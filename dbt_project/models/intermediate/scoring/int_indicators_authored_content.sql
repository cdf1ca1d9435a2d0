{#- Content-planner indicators per month and manager, on the basis of the content the manager
    authored (content.author_manager_id), wherever it was published (spec, "Role-fitting
    assessment"). Events are the period's counted events (int_scoring_events: non-staff, outside
    excluded member-days) on any piece they authored, whenever published.
    - CP_PIECES: pieces authored and published in the period;
    - CP_REACH_PER_CONTENT: (content_view + 5 x share events) / CP_PIECES;
    - CP_CLICK_THROUGH: content_click / content_view events;
    - CP_CONTENT_MIX: of industry_news, policy_interpretation, finance_knowledge, the types with
      >= 1 piece of the period / 3 (0 when nothing was published), for every scored manager;
    - CP_AUDIENCE_REACH: of the non-staff members at period end of the communities where their
      pieces of the period were published, the share with a content_view of any of their
      content in the period.
    Computed for every author (and CP_CONTENT_MIX for every scored manager); which role they
    score is template data. -#}
with stg_content as (
    select * from {{ ref('stg_content') }}
),

int_scoring_events as (
    select * from {{ ref('int_scoring_events') }}
),

int_period_members as (
    select * from {{ ref('int_period_members') }}
),

int_scorecard_entities as (
    select * from {{ ref('int_scorecard_entities') }}
),

months as (
    select * from {{ ref('int_template_in_force') }}
    where {{ in_partition_window('period_month') }}
),

authored as (
    select
        content_id,
        community_id,
        content_type,
        author_manager_id as manager_id,
        cast({{ dbt.date_trunc('month', 'published_at') }} as date) as published_month
    from stg_content
    where author_manager_id is not null
),

pieces_of_month as (
    select authored.*
    from authored
    inner join months on authored.published_month = months.period_month
),

pieces as (
    select
        published_month as period_month,
        manager_id,
        count(*) as pieces
    from pieces_of_month
    group by published_month, manager_id
),

events_on_content as (
    select
        events.period_month,
        authored.manager_id,
        events.member_id,
        events.event_type
    from int_scoring_events as events
    inner join months on events.period_month = months.period_month
    inner join authored on events.content_id = authored.content_id
    where
        events.event_type in ('content_view', 'share', 'content_click')
        and not events.is_staff_event
        and not events.is_excluded
),

event_counts as (
    select
        period_month,
        manager_id,
        sum(case when event_type = 'content_view' then 1 when event_type = 'share' then 5 else 0 end) as reach,
        sum(case when event_type = 'content_view' then 1 else 0 end) as views,
        sum(case when event_type = 'content_click' then 1 else 0 end) as clicks
    from events_on_content
    group by period_month, manager_id
),

reach as (
    select
        coalesce(pieces.period_month, event_counts.period_month) as period_month,
        coalesce(pieces.manager_id, event_counts.manager_id) as manager_id,
        coalesce(pieces.pieces, 0) as pieces,
        coalesce(event_counts.reach, 0) as reach
    from pieces
    full outer join event_counts
        on pieces.period_month = event_counts.period_month and pieces.manager_id = event_counts.manager_id
),

content_mix as (
    select
        entities.period_month,
        entities.entity_id as manager_id,
        count(distinct pieces_of_month.content_type) as covered_types
    from int_scorecard_entities as entities
    left join pieces_of_month
        on
            entities.period_month = pieces_of_month.published_month
            and entities.entity_id = pieces_of_month.manager_id
            and pieces_of_month.content_type in ('industry_news', 'policy_interpretation', 'finance_knowledge')
    where entities.entity_level = 'manager' and {{ in_partition_window('entities.period_month') }}
    group by entities.period_month, entities.entity_id
),

audience as (
    select distinct
        pieces_of_month.published_month as period_month,
        pieces_of_month.manager_id,
        members.member_id
    from pieces_of_month
    inner join int_period_members as members
        on
            pieces_of_month.community_id = members.community_id
            and pieces_of_month.published_month = members.period_month
),

viewers as (
    select distinct
        period_month,
        manager_id,
        member_id
    from events_on_content
    where event_type = 'content_view'
),

audience_reach as (
    select
        audience.period_month,
        audience.manager_id,
        count(*) as audience,
        count(viewers.member_id) as reached
    from audience
    left join viewers
        on
            audience.period_month = viewers.period_month
            and audience.manager_id = viewers.manager_id
            and audience.member_id = viewers.member_id
    group by audience.period_month, audience.manager_id
)

select
    period_month,
    'manager' as entity_level,
    manager_id as entity_id,
    'CP_PIECES' as indicator_code,
    cast(pieces as double) as numerator,
    cast(null as double) as denominator,
    cast(pieces as double) as value
from pieces
union all
select
    period_month,
    'manager',
    manager_id,
    'CP_REACH_PER_CONTENT',
    cast(reach as double),
    cast(pieces as double),
    case when pieces > 0 then cast(reach as double) / pieces end
from reach
union all
select
    period_month,
    'manager',
    manager_id,
    'CP_CLICK_THROUGH',
    cast(clicks as double),
    cast(views as double),
    case when views > 0 then cast(clicks as double) / views end
from event_counts
union all
select
    period_month,
    'manager',
    manager_id,
    'CP_CONTENT_MIX',
    cast(covered_types as double),
    cast(3 as double),
    cast(covered_types as double) / 3
from content_mix
union all
select
    period_month,
    'manager',
    manager_id,
    'CP_AUDIENCE_REACH',
    cast(reached as double),
    cast(audience as double),
    cast(reached as double) / audience
from audience_reach
