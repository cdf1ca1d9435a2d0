{{ config(materialized='table') }}
{#- display_name is dropped and phone replaced by its HMAC; materialised as a table so that
    reading it never needs the PII key. A leave re-delivers the row with left_at set. -#}
with deliveries as (
    select * from {{ source('raw', 'memberships') }}
),

latest as (
    {{ latest_delivery('deliveries', ['membership_id']) }}
)

select
    membership_id,
    community_id,
    member_id,
    client_id,
    is_staff,
    staff_manager_id,
    {{ pii_hash('phone') }} as phone_hmac,
    joined_at,
    left_at,
    referrer_member_id
from latest
