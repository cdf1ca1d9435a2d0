{#- Slowly changing (type 2): one row per assignment period; join on
    valid_from <= day < coalesce(valid_to, far future) to find a manager's team on a day. -#}
select
    {{ dbt.concat(['manager_id', "'|'", dbt.cast('valid_from', dbt.type_string())]) }} as manager_version_key,
    manager_id,
    role,
    team_id,
    branch_id,
    valid_from,
    valid_to,
    valid_to is null as is_current
from {{ ref('int_manager_history') }}
