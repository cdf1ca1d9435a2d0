{#- The template's penalties section, as validated by dagster_project/template.py. -#}
with template_penalties as (
    select * from {{ source('template', 'template_penalties') }}
)

select
    template_version,
    severity,
    manager_points,
    team_points,
    branch_points,
    vetoes_manager,
    vetoes_team,
    vetoes_branch
from template_penalties
