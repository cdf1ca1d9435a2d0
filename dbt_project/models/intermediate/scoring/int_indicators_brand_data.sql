{#- Brand and data indicators per month and entity: BRAND_NPS, BRAND_REACH_PER_CONTENT,
    DATA_VERIFIED_MEMBER_RATE, DATA_CONTENT_MIX.
    Choices (spec silent): a survey response and a content piece belong to the entity of their
    community on their local date; reach counts the period's non-staff, non-excluded
    content_view and share events on any piece the entity published (at any time). -#}
with stg_memberships as (
    select * from {{ ref('stg_memberships') }}
),

stg_surveys as (
    select * from {{ ref('stg_surveys') }}
),

int_community_owner_history as (
    select * from {{ ref('int_community_owner_history') }}
),

stg_content as (
    select * from {{ ref('stg_content') }}
),

int_scoring_events as (
    select * from {{ ref('int_scoring_events') }}
),

int_scorecard_entities as (
    select * from {{ ref('int_scorecard_entities') }}
),

int_period_members as (
    select * from {{ ref('int_period_members') }}
),

months as (
    select * from {{ ref('int_template_in_force') }}
    where {{ in_partition_window('period_month') }}
),

staff_accounts as (
    select distinct
        community_id,
        member_id
    from stg_memberships
    where is_staff
),

responses as (
    select
        months.period_month,
        surveys.score,
        owners.manager_id,
        owners.team_id,
        owners.branch_id
    from stg_surveys as surveys
    inner join months
        on cast({{ dbt.date_trunc('month', 'surveys.submitted_at') }} as date) = months.period_month
    left join staff_accounts
        on surveys.community_id = staff_accounts.community_id and surveys.member_id = staff_accounts.member_id
    left join int_community_owner_history as owners
        on surveys.community_id = owners.community_id and {{ holds_on('owners', 'cast(surveys.submitted_at as date)') }}
    where staff_accounts.member_id is null
),

nps as (
    select
        period_month,
        entity_level,
        entity_id,
        sum(case when score >= 9 then 1 when score <= 6 then -1 else 0 end) as net_promoters,
        count(*) as responses
    from ({{ fan_out_entities('responses', ['period_month', 'score']) }}) as fanned
    group by period_month, entity_level, entity_id
),

content as (
    select
        content.content_id,
        content.content_type,
        cast({{ dbt.date_trunc('month', 'content.published_at') }} as date) as period_month,
        owners.manager_id,
        owners.team_id,
        owners.branch_id
    from stg_content as content
    left join int_community_owner_history as owners
        on content.community_id = owners.community_id and {{ holds_on('owners', 'cast(content.published_at as date)') }}
),

content_by_entity as (
    {{ fan_out_entities('content', ['content_id', 'content_type', 'period_month']) }}
),

published as (
    select
        content_by_entity.period_month,
        content_by_entity.entity_level,
        content_by_entity.entity_id,
        count(*) as pieces
    from content_by_entity
    inner join months on content_by_entity.period_month = months.period_month
    group by content_by_entity.period_month, content_by_entity.entity_level, content_by_entity.entity_id
),

reach_events as (
    select
        events.period_month,
        content_by_entity.entity_level,
        content_by_entity.entity_id,
        sum(case when events.event_type = 'share' then 5 else 1 end) as reach
    from int_scoring_events as events
    inner join content_by_entity on events.content_id = content_by_entity.content_id
    where
        events.event_type in ('content_view', 'share')
        and not events.is_staff_event
        and not events.is_excluded
    group by events.period_month, content_by_entity.entity_level, content_by_entity.entity_id
),

reach as (
    select
        published.period_month,
        published.entity_level,
        published.entity_id,
        published.pieces,
        coalesce(reach_events.reach, 0) as reach
    from published
    left join reach_events
        on {{ same_entity_month('published', 'reach_events') }}
),

verified as (
    select
        period_month,
        entity_level,
        entity_id,
        count(*) as members,
        sum(is_verified) as verified_members
    from (
        select
            fanned.period_month,
            fanned.entity_level,
            fanned.entity_id,
            fanned.member_id,
            max(case when fanned.is_verified_client then 1 else 0 end) as is_verified
        from
            ({{ fan_out_entities('int_period_members', ['period_month', 'member_id', 'is_verified_client']) }})
                as fanned
        inner join months on fanned.period_month = months.period_month
        group by fanned.period_month, fanned.entity_level, fanned.entity_id, fanned.member_id
    ) as members
    group by period_month, entity_level, entity_id
),

content_mix as (
    select
        entities.period_month,
        entities.entity_level,
        entities.entity_id,
        count(distinct content_by_entity.content_type) as covered_types
    from int_scorecard_entities as entities
    left join content_by_entity
        on
            {{ same_entity_month('entities', 'content_by_entity') }}
            and content_by_entity.content_type in ('industry_news', 'policy_interpretation', 'finance_knowledge')
    group by entities.period_month, entities.entity_level, entities.entity_id
)

select
    period_month,
    entity_level,
    entity_id,
    'BRAND_NPS' as indicator_code,
    cast(net_promoters as double) as numerator,
    cast(responses as double) as denominator,
    100 * cast(net_promoters as double) / responses as value
from nps
union all
select
    period_month,
    entity_level,
    entity_id,
    'BRAND_REACH_PER_CONTENT',
    cast(reach as double),
    cast(pieces as double),
    cast(reach as double) / pieces
from reach
union all
select
    period_month,
    entity_level,
    entity_id,
    'DATA_VERIFIED_MEMBER_RATE',
    cast(verified_members as double),
    cast(members as double),
    cast(verified_members as double) / members
from verified
union all
select
    period_month,
    entity_level,
    entity_id,
    'DATA_CONTENT_MIX',
    cast(covered_types as double),
    cast(3 as double),
    cast(covered_types as double) / 3
from content_mix
