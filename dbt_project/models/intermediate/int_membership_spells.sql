{#- Each membership as a spell [joined_at, left_at) with whether its client is a known client
    (an unknown client_id is kept but counts as unverified, spec DATA_VERIFIED_MEMBER_RATE). -#}
with stg_clients as (
    select * from {{ ref('stg_clients') }}
),

stg_memberships as (
    select * from {{ ref('stg_memberships') }}
),

known_clients as (
    select distinct client_id from stg_clients
)

select
    memberships.membership_id,
    memberships.community_id,
    memberships.member_id,
    memberships.client_id,
    memberships.is_staff,
    memberships.staff_manager_id,
    memberships.joined_at,
    memberships.left_at,
    known_clients.client_id is not null as is_verified_client
from stg_memberships as memberships
left join known_clients on memberships.client_id = known_clients.client_id
