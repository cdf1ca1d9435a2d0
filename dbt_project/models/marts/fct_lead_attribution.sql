with int_lead_attribution as (
    select * from {{ ref('int_lead_attribution') }}
)

select
    {{ dbt.concat(['lead_id', "'|'", 'community_id']) }} as attribution_key,
    lead_id,
    community_id,
    attribution_rule,
    touch_order,
    communities_touched,
    first_touch_at,
    share
from int_lead_attribution
