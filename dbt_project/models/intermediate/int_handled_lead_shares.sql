{#- The community-attributed leads each manager handles (leads.manager_id), for the relationship
    managers' indicators (spec, "Role-fitting assessment"): each lead counts whole (its shares add
    up to 1, not split by community), whenever it was created. Same shape as
    int_entity_lead_shares, so the conversion and risk formulas read both. -#}
with stg_leads as (
    select * from {{ ref('stg_leads') }}
),

int_lead_attribution as (
    select * from {{ ref('int_lead_attribution') }}
)

select
    cast('manager' as {{ dbt.type_string() }}) as entity_level,
    leads.manager_id as entity_id,
    leads.lead_id,
    max(leads.created_at) as lead_created_at,
    cast(1 as decimal(18, 12)) as share
from stg_leads as leads
inner join int_lead_attribution as attribution on leads.lead_id = attribution.lead_id
where leads.manager_id is not null
group by leads.manager_id, leads.lead_id
having sum(attribution.share) > 0
