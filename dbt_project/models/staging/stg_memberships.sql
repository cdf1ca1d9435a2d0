{{ config(materialized='table') }}
{#- display_name is dropped and phone replaced by its HMAC; materialised as a table so that
    reading it never needs the PII key. A leave re-delivers the row with left_at set.
    staff_manager_id (an optional column) is the latest delivered value: a row from a file
    without the column carries no value (null in raw) and does not clear it; an empty cell in a
    file that has the column ('' in raw) is a value: from that delivery on, the account is
    nobody's (spec, "Readings settled for v2", customer service). -#}
with deliveries as (
    select * from {{ source('raw', 'memberships') }}
),

latest as (
    {{ latest_delivery('deliveries', ['membership_id']) }}
),

deliveries_naming_a_manager as (
    select * from deliveries
    where staff_manager_id is not null
),

latest_staff_manager as (
    {{ latest_delivery('deliveries_naming_a_manager', ['membership_id']) }}
)

select
    latest.membership_id,
    latest.community_id,
    latest.member_id,
    latest.client_id,
    latest.is_staff,
    nullif(latest_staff_manager.staff_manager_id, '') as staff_manager_id,
    {{ pii_hash('latest.phone') }} as phone_hmac,
    latest.joined_at,
    latest.left_at,
    latest.referrer_member_id
from latest
left join latest_staff_manager on latest.membership_id = latest_staff_manager.membership_id
