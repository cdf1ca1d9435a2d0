{#- The template's penalties section, as validated by dagster_project/template.py. -#}
select
    template_version,
    severity,
    manager_points,
    team_points,
    branch_points,
    vetoes_manager,
    vetoes_team,
    vetoes_branch
from {{ source('template', 'template_penalties') }}
