{#- description is free text that may hold PII: dropped (category is kept). -#}
with deliveries as (
    select * from {{ source('raw', 'compliance_events') }}
),

latest as (
    {{ latest_delivery('deliveries', ['compliance_event_id']) }}
)

select
    compliance_event_id,
    occurred_on,
    manager_id,
    branch_id,
    severity,
    category
from latest
