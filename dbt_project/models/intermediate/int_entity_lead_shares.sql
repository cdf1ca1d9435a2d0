{#- Each entity's share of each community lead: the sum of its communities' shares, as an exact
    decimal so that sums over it do not depend on the order they are taken in. -#}
with int_loan_business as (
    select * from {{ ref('int_loan_business') }}
)

select
    entity_level,
    entity_id,
    lead_id,
    max(lead_created_at) as lead_created_at,
    sum(cast(share as decimal(18, 12))) as share
from ({{ fan_out_entities('int_loan_business', ['lead_id', 'lead_created_at', 'share']) }}) as fanned
group by entity_level, entity_id, lead_id
having sum(cast(share as decimal(18, 12))) > 0
