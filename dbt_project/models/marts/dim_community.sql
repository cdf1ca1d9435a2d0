{#- Communities with their owner; the owner's team and branch are as of today (for scoring,
    the team on each event's date comes from dim_manager). -#}
with int_manager_history as (
    select * from {{ ref('int_manager_history') }}
),

stg_communities as (
    select * from {{ ref('stg_communities') }}
),

current_managers as (
    select
        manager_id,
        team_id,
        branch_id
    from int_manager_history
    where valid_to is null
)

select
    communities.community_id,
    communities.community_name,
    communities.platform,
    communities.target_segment,
    communities.owner_manager_id,
    current_managers.team_id as owner_current_team_id,
    current_managers.branch_id as owner_current_branch_id,
    communities.created_in_branch_id,
    communities.created_at,
    communities.closed_at
from stg_communities as communities
left join current_managers on communities.owner_manager_id = current_managers.manager_id
