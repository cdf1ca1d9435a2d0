with branches as (
    select * from {{ ref('stg_branches') }}
),

teams as (
    select * from {{ ref('dim_team') }}
)

select
    branches.branch_id,
    branches.branch_name,
    branches.region,
    cast(count(teams.team_id) as {{ dbt.type_int() }}) as team_count
from branches
left join teams on branches.branch_id = teams.branch_id
group by branches.branch_id, branches.branch_name, branches.region
