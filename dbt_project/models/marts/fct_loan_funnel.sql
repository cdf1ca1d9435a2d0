{#- Grain: lead x application (a lead without an application has one row with a null
    application). Disbursements are summed per application. -#}
with stg_disbursements as (
    select * from {{ ref('stg_disbursements') }}
),

int_lead_attribution as (
    select * from {{ ref('int_lead_attribution') }}
),

stg_leads as (
    select * from {{ ref('stg_leads') }}
),

stg_applications as (
    select * from {{ ref('stg_applications') }}
),

disbursed as (
    select
        application_id,
        min(disbursed_at) as first_disbursed_at,
        sum(amount) as disbursed_amount,
        count(*) as disbursement_count
    from stg_disbursements
    group by application_id
),

attribution as (
    select
        lead_id,
        count(*) as attributed_communities,
        sum(share) as attributed_share
    from int_lead_attribution
    group by lead_id
)

select
    {{ dbt.concat(['leads.lead_id', "'|'", "coalesce(applications.application_id, '')"]) }} as funnel_key,
    leads.lead_id,
    leads.client_id,
    leads.created_at as lead_created_at,
    leads.source_channel,
    leads.source_community_id,
    leads.manager_id as relationship_manager_id,
    leads.product,
    leads.requested_amount,
    attribution.lead_id is not null as is_community_business,
    cast(coalesce(attribution.attributed_communities, 0) as {{ dbt.type_int() }}) as attributed_communities,
    applications.application_id,
    applications.submitted_at,
    applications.amount as applied_amount,
    applications.decision,
    applications.decided_at,
    applications.approved_amount,
    disbursed.first_disbursed_at,
    cast(coalesce(disbursed.disbursed_amount, 0) as decimal(18, 2)) as disbursed_amount,
    cast(coalesce(disbursed.disbursement_count, 0) as {{ dbt.type_int() }}) as disbursement_count
from stg_leads as leads
left join stg_applications as applications on leads.lead_id = applications.lead_id
left join disbursed on applications.application_id = disbursed.application_id
left join attribution on leads.lead_id = attribution.lead_id
