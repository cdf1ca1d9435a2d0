{#- The template's grades section, as validated by dagster_project/template.py. -#}
select
    template_version,
    grade,
    min_score,
    incentive_multiplier
from {{ source('template', 'template_grades') }}
