{#- Community loan business: each attributed lead's share per community, with the community's
    entity on the lead's created_at date (a loan stays with the team and branch that won it). -#}
with int_lead_attribution as (
    select * from {{ ref('int_lead_attribution') }}
),

stg_leads as (
    select * from {{ ref('stg_leads') }}
),

int_community_owner_history as (
    select * from {{ ref('int_community_owner_history') }}
)

select
    attribution.lead_id,
    attribution.community_id,
    attribution.share,
    leads.client_id,
    leads.created_at as lead_created_at,
    owners.manager_id,
    owners.team_id,
    owners.branch_id
from int_lead_attribution as attribution
inner join stg_leads as leads on attribution.lead_id = leads.lead_id
left join int_community_owner_history as owners
    on
        attribution.community_id = owners.community_id
        and {{ holds_on('owners', 'cast(leads.created_at as date)') }}
