{#- Data-analyst indicators per month and manager, on the basis of the manager's branch on the
    period's last day (int_scorecard_entities.home_branch_id; spec, "Role-fitting assessment"):
    - DA_VERIFIED_MEMBER_RATE: the branch's DATA_VERIFIED_MEMBER_RATE (int_indicators_brand_data);
    - DA_NEW_MEMBER_LINK_RATE: non-staff memberships joined in the period in a community of the
      branch on the join's date whose client_id is in the clients feed / those memberships
      (memberships, not distinct members);
    - DA_SURVEY_COVERAGE: of the non-staff members at period end of the branch's communities on
      the last day, the share with >= 1 survey response in the period in those communities
      (a response from a staff account of its community never counts, spec "Definitions").
    Computed for every scored manager; which role they score is template data. -#}
with int_scorecard_entities as (
    select * from {{ ref('int_scorecard_entities') }}
),

int_indicators_brand_data as (
    select * from {{ ref('int_indicators_brand_data') }}
),

int_membership_spells as (
    select * from {{ ref('int_membership_spells') }}
),

int_community_owner_history as (
    select * from {{ ref('int_community_owner_history') }}
),

int_period_members as (
    select * from {{ ref('int_period_members') }}
),

stg_surveys as (
    select * from {{ ref('stg_surveys') }}
),

stg_memberships as (
    select * from {{ ref('stg_memberships') }}
),

months as (
    select * from {{ ref('int_template_in_force') }}
    where {{ in_partition_window('period_month') }}
),

analysts as (
    select
        period_month,
        entity_id as manager_id,
        home_branch_id as branch_id
    from int_scorecard_entities
    where entity_level = 'manager' and home_branch_id is not null and {{ in_partition_window('period_month') }}
),

verified as (
    select
        period_month,
        entity_id as branch_id,
        numerator,
        denominator,
        value
    from int_indicators_brand_data
    where entity_level = 'branch' and indicator_code = 'DATA_VERIFIED_MEMBER_RATE'
),

joined as (
    select
        months.period_month,
        owners.branch_id,
        count(*) as memberships,
        sum(case when spells.is_verified_client then 1 else 0 end) as linked
    from int_membership_spells as spells
    inner join months
        on cast({{ dbt.date_trunc('month', 'spells.joined_at') }} as date) = months.period_month
    inner join int_community_owner_history as owners
        on spells.community_id = owners.community_id and {{ holds_on('owners', 'cast(spells.joined_at as date)') }}
    where not spells.is_staff and owners.branch_id is not null
    group by months.period_month, owners.branch_id
),

staff_accounts as (
    select distinct
        community_id,
        member_id
    from stg_memberships
    where is_staff
),

branch_communities as (
    select distinct
        months.period_month,
        owners.branch_id,
        owners.community_id
    from months
    inner join int_community_owner_history as owners on {{ holds_on('owners', 'months.period_end_date') }}
    where owners.branch_id is not null
),

respondents as (
    select distinct
        branch_communities.period_month,
        branch_communities.branch_id,
        surveys.member_id
    from stg_surveys as surveys
    inner join branch_communities
        on
            surveys.community_id = branch_communities.community_id
            and cast({{ dbt.date_trunc('month', 'surveys.submitted_at') }} as date) = branch_communities.period_month
    left join staff_accounts
        on surveys.community_id = staff_accounts.community_id and surveys.member_id = staff_accounts.member_id
    where staff_accounts.member_id is null
),

coverage as (
    select
        members.period_month,
        members.branch_id,
        count(*) as members,
        count(respondents.member_id) as responded
    from (
        select distinct
            period_month,
            branch_id,
            member_id
        from int_period_members
        where branch_id is not null
    ) as members
    inner join months on members.period_month = months.period_month
    left join respondents
        on
            members.period_month = respondents.period_month
            and members.branch_id = respondents.branch_id
            and members.member_id = respondents.member_id
    group by members.period_month, members.branch_id
)

select
    analysts.period_month,
    'manager' as entity_level,
    analysts.manager_id as entity_id,
    'DA_VERIFIED_MEMBER_RATE' as indicator_code,
    verified.numerator,
    verified.denominator,
    verified.value
from analysts
inner join verified on analysts.period_month = verified.period_month and analysts.branch_id = verified.branch_id
union all
select
    analysts.period_month,
    'manager',
    analysts.manager_id,
    'DA_NEW_MEMBER_LINK_RATE',
    cast(joined.linked as double),
    cast(joined.memberships as double),
    cast(joined.linked as double) / joined.memberships
from analysts
inner join joined on analysts.period_month = joined.period_month and analysts.branch_id = joined.branch_id
union all
select
    analysts.period_month,
    'manager',
    analysts.manager_id,
    'DA_SURVEY_COVERAGE',
    cast(coverage.responded as double),
    cast(coverage.members as double),
    cast(coverage.responded as double) / coverage.members
from analysts
inner join coverage on analysts.period_month = coverage.period_month and analysts.branch_id = coverage.branch_id
