{#- The template's parameters section, as validated by dagster_project/template.py. -#}
with template_parameters as (
    select * from {{ source('template', 'template_parameters') }}
)

select
    template_version,
    parameter,
    value
from template_parameters
