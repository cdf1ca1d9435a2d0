{#- The template's parameters section, as validated by dagster_project/template.py. -#}
select
    template_version,
    parameter,
    value
from {{ source('template', 'template_parameters') }}
