{{ config(materialized='table') }}
{#- client_name is dropped and uscc replaced by its HMAC. Materialised as a table so that
    reading it never needs the PII key. One row per (client, tier_valid_from): each snapshot
    delivery repeats the client, and the tier history is kept. -#}
with deliveries as (
    select * from {{ source('raw', 'clients') }}
),

latest as (
    {{ latest_delivery('deliveries', ['client_id', 'tier_valid_from']) }}
)

select
    client_id,
    {{ pii_hash('uscc') }} as uscc_hmac,
    industry,
    segment,
    size as client_size,
    tier,
    branch_id,
    tier_valid_from,
    _file_date as delivered_on
from latest
