{#- The peer group each entity is ranked in (spec, "Grades, ranks and incentives"; template
    peer_groups): grouping 'branch' puts an entity with the others of its branch on the period's
    last day (v1: managers; teams too, a choice where the spec is silent); 'branch_role' with
    the others of its branch and role (v2 managers: "ranked within (branch, role)"); grouping
    'size_band' puts a branch in the band of its non-staff members at period end. -#}
with int_period_members as (
    select * from {{ ref('int_period_members') }}
),

int_scorecard_entities as (
    select * from {{ ref('int_scorecard_entities') }}
),

branch_members as (
    select
        period_month,
        branch_id,
        count(distinct member_id) as members
    from int_period_members
    where branch_id is not null
    group by period_month, branch_id
),

rules as (
    select * from {{ ref('stg_template_peer_groups') }}
)

select
    entities.period_month,
    entities.entity_level,
    entities.entity_id,
    case
        when
            grouping_rule.grouping = 'branch'
            then {{ dbt.concat(["'branch:'", "coalesce(entities.home_branch_id, 'unknown')"]) }}
        when grouping_rule.grouping = 'branch_role'
            then {{ dbt.concat(["'branch:'", "coalesce(entities.home_branch_id, 'unknown')", "' role:'", "entities.role"]) }}
        else {{ dbt.concat(["'size:'", "coalesce(bands.band_code, 'unbanded')"]) }}
    end as peer_group,
    cast(coalesce(branch_members.members, 0) as {{ dbt.type_int() }}) as branch_members_at_end
from int_scorecard_entities as entities
inner join (
    select distinct
        template_version,
        entity_level,
        grouping
    from rules
) as grouping_rule
    on entities.template_version = grouping_rule.template_version and entities.entity_level = grouping_rule.entity_level
left join branch_members
    on entities.period_month = branch_members.period_month and entities.home_branch_id = branch_members.branch_id
left join rules as bands
    on
        grouping_rule.grouping = 'size_band'
        and entities.template_version = bands.template_version
        and entities.entity_level = bands.entity_level
        and coalesce(branch_members.members, 0) >= bands.min_members
        and (bands.max_members is null or coalesce(branch_members.members, 0) <= bands.max_members)
where {{ in_partition_window('entities.period_month') }}
