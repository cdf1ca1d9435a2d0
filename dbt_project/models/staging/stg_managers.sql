{#- name (PII) is dropped: nothing downstream needs a manager's name. -#}
with deliveries as (
    select * from {{ source('raw', 'managers') }}
),

latest as (
    {{ latest_delivery('deliveries', ['manager_id', 'valid_from']) }}
)

select
    manager_id,
    team_id,
    role,
    valid_from,
    valid_to
from latest
