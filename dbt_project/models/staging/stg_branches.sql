with latest as (
    {{ latest_delivery(source('raw', 'branches'), ['branch_id']) }}
)

select
    branch_id,
    branch_name,
    region
from latest
