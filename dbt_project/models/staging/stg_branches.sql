with deliveries as (
    select * from {{ source('raw', 'branches') }}
),

latest as (
    {{ latest_delivery('deliveries', ['branch_id']) }}
)

select
    branch_id,
    branch_name,
    region
from latest
