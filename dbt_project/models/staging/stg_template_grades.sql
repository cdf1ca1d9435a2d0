{#- The template's grades section, as validated by dagster_project/template.py. -#}
with template_grades as (
    select * from {{ source('template', 'template_grades') }}
)

select
    template_version,
    grade,
    min_score,
    incentive_multiplier
from template_grades
