{#- Acquisition indicators per month and entity (spec, table "Dimensions and default indicators"):
    ACQ_NEW_VERIFIED, ACQ_TARGET_SEGMENT_SHARE, ACQ_KEY_TIER_COVERAGE.
    Choice (spec silent): a join belongs to the entity of its community on the join's local date,
    and the client's segment is the one the clients feed holds now. -#}
with int_membership_spells as (
    select * from {{ ref('int_membership_spells') }}
),

int_community_owner_history as (
    select * from {{ ref('int_community_owner_history') }}
),

int_clients_current as (
    select * from {{ ref('int_clients_current') }}
),

int_client_tier_history as (
    select * from {{ ref('int_client_tier_history') }}
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

verified_joins as (
    select
        spells.membership_id,
        spells.client_id,
        spells.community_id,
        spells.joined_at,
        cast({{ dbt.date_trunc('month', 'spells.joined_at') }} as date) as period_month,
        owners.manager_id,
        owners.team_id,
        owners.branch_id
    from int_membership_spells as spells
    left join int_community_owner_history as owners
        on spells.community_id = owners.community_id and {{ holds_on('owners', 'cast(spells.joined_at as date)') }}
    where not spells.is_staff and spells.is_verified_client
),

joins_by_entity as (
    select fanned.*
    from
        ({{ fan_out_entities('verified_joins', ['membership_id', 'client_id', 'joined_at', 'period_month']) }})
            as fanned
    inner join months on fanned.period_month = months.period_month
),

earlier_memberships as (
    {#- any membership of the same client in the entity's communities (entity as of the new join's
        date) that started before it and overlaps the 365 days before it -#}
    select distinct
        joins_by_entity.membership_id,
        joins_by_entity.entity_level,
        joins_by_entity.entity_id
    from joins_by_entity
    inner join int_membership_spells as other
        on
            joins_by_entity.client_id = other.client_id
            and joins_by_entity.membership_id <> other.membership_id
            and not other.is_staff
            and joins_by_entity.joined_at > other.joined_at
            and (
                other.left_at is null
                or other.left_at > {{ dbt.dateadd('day', -365, 'joins_by_entity.joined_at') }}
            )
    inner join int_community_owner_history as owners
        on
            other.community_id = owners.community_id
            and {{ holds_on('owners', 'cast(joins_by_entity.joined_at as date)') }}
    where
        joins_by_entity.entity_id = case joins_by_entity.entity_level
            when 'manager' then owners.manager_id
            when 'team' then owners.team_id
            else owners.branch_id
        end
),

new_clients as (
    select distinct
        joins_by_entity.period_month,
        joins_by_entity.entity_level,
        joins_by_entity.entity_id,
        joins_by_entity.client_id
    from joins_by_entity
    left join earlier_memberships
        on
            joins_by_entity.membership_id = earlier_memberships.membership_id
            and joins_by_entity.entity_level = earlier_memberships.entity_level
            and joins_by_entity.entity_id = earlier_memberships.entity_id
    where earlier_memberships.membership_id is null
),

new_client_counts as (
    select
        new_clients.period_month,
        new_clients.entity_level,
        new_clients.entity_id,
        count(*) as new_clients,
        sum(case when clients.is_target_segment then 1 else 0 end) as target_segment_clients
    from new_clients
    left join int_clients_current as clients on new_clients.client_id = clients.client_id
    group by new_clients.period_month, new_clients.entity_level, new_clients.entity_id
),

key_clients as (
    select
        months.period_month,
        tiers.client_id,
        tiers.branch_id
    from months
    inner join int_client_tier_history as tiers on {{ holds_on('tiers', 'months.period_end_date') }}
    where tiers.tier in ('strategic', 'core')
),

members_by_entity as (
    select distinct
        fanned.period_month,
        fanned.entity_level,
        fanned.entity_id,
        fanned.client_id
    from (
        {{ fan_out_entities('int_period_members', ['period_month', 'client_id']) }}
    ) as fanned
    where fanned.client_id is not null
),

coverage as (
    select
        entities.period_month,
        entities.entity_level,
        entities.entity_id,
        count(key_clients.client_id) as key_clients,
        count(members_by_entity.client_id) as covered_key_clients
    from int_scorecard_entities as entities
    inner join key_clients
        on entities.period_month = key_clients.period_month and entities.home_branch_id = key_clients.branch_id
    left join members_by_entity
        on
            {{ same_entity_month('entities', 'members_by_entity') }}
            and key_clients.client_id = members_by_entity.client_id
    group by entities.period_month, entities.entity_level, entities.entity_id
)

select
    period_month,
    entity_level,
    entity_id,
    'ACQ_NEW_VERIFIED' as indicator_code,
    cast(new_clients as double) as numerator,
    cast(null as double) as denominator,
    cast(new_clients as double) as value
from new_client_counts
union all
select
    period_month,
    entity_level,
    entity_id,
    'ACQ_TARGET_SEGMENT_SHARE',
    cast(target_segment_clients as double),
    cast(new_clients as double),
    cast(target_segment_clients as double) / new_clients
from new_client_counts
union all
select
    period_month,
    entity_level,
    entity_id,
    'ACQ_KEY_TIER_COVERAGE',
    cast(covered_key_clients as double),
    cast(key_clients as double),
    cast(covered_key_clients as double) / key_clients
from coverage
