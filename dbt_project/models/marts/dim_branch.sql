select
    branches.branch_id,
    branches.branch_name,
    branches.region,
    cast(count(teams.team_id) as {{ dbt.type_int() }}) as team_count
from {{ ref('stg_branches') }} as branches
left join {{ ref('stg_teams') }} as teams on branches.branch_id = teams.branch_id
group by branches.branch_id, branches.branch_name, branches.region
