{#- Who a community belongs to on any day: its owner manager, and the owner's team and branch
    in the managers history (spec, "Entity of a community"). An owner without history keeps the
    manager level and has no team or branch. -#}
select
    communities.community_id,
    communities.owner_manager_id as manager_id,
    history.team_id,
    history.branch_id,
    history.valid_to,
    coalesce(history.valid_from, cast('1900-01-01' as date)) as valid_from
from {{ ref('stg_communities') }} as communities
left join {{ ref('int_manager_history') }} as history
    on communities.owner_manager_id = history.manager_id
