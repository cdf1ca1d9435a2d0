{#- Every lead share the loan-business indicators read, per basis: `community` (each entity's
    share through its attributed communities, int_entity_lead_shares) and `handled_leads` (the
    attributed leads a manager handles, each whole, int_handled_lead_shares). The conversion and
    risk formulas run once over both. -#}
with int_entity_lead_shares as (
    select * from {{ ref('int_entity_lead_shares') }}
),

int_handled_lead_shares as (
    select * from {{ ref('int_handled_lead_shares') }}
)

select
    'community' as basis,
    *
from int_entity_lead_shares
union all
select
    'handled_leads' as basis,
    *
from int_handled_lead_shares
