{#- Who a community belongs to on any day (spec, "Entity of a community"): its owner manager
    (communities.owner_manager_id, whatever the date), and the owner's team and branch on that
    day from int_manager_history (whose first row reaches back before the first delivered row).
    An owner without history keeps the manager level and has no team or branch. -#}
with communities as (
    select * from {{ ref('stg_communities') }}
),

manager_history as (
    select * from {{ ref('int_manager_history') }}
)

select
    communities.community_id,
    communities.owner_manager_id as manager_id,
    manager_history.team_id,
    manager_history.branch_id,
    manager_history.valid_from,
    manager_history.valid_to
from communities
left join manager_history
    on communities.owner_manager_id = manager_history.manager_id
