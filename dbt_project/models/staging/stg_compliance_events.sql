{#- description is free text that may hold PII: dropped (category is kept). -#}
with latest as (
    {{ latest_delivery(source('raw', 'compliance_events'), ['compliance_event_id']) }}
)

select
    compliance_event_id,
    occurred_on,
    manager_id,
    branch_id,
    severity,
    category
from latest
