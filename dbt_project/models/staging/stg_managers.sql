{#- name (PII) is dropped: nothing downstream needs a manager's name. -#}
with latest as (
    {{ latest_delivery(source('raw', 'managers'), ['manager_id', 'valid_from']) }}
)

select
    manager_id,
    team_id,
    role,
    valid_from,
    valid_to
from latest
