{{ config(materialized='incremental', event_time='period_month') }}

{#- Members at period end (spec, Definitions): non-staff memberships with joined_at before the
    next month's first instant and left_at null or at/after it, with the entity of the community
    on the period's last day. -#}
with int_scoring_months as (
    select * from {{ ref('int_scoring_months') }}
),

int_membership_spells as (
    select * from {{ ref('int_membership_spells') }}
),

int_community_owner_history as (
    select * from {{ ref('int_community_owner_history') }}
)

select
    months.period_month,
    spells.membership_id,
    spells.community_id,
    spells.member_id,
    spells.client_id,
    spells.is_verified_client,
    owners.manager_id,
    owners.team_id,
    owners.branch_id
from int_scoring_months as months
inner join int_membership_spells as spells
    on
        not spells.is_staff
        and months.next_month_start > spells.joined_at
        and (spells.left_at is null or months.next_month_start <= spells.left_at)
left join int_community_owner_history as owners
    on spells.community_id = owners.community_id and {{ holds_on('owners', 'months.period_end_date') }}
where {{ in_partition_window('months.period_month') }}
