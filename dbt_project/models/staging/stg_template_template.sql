{#- The template's template section, as validated by dagster_project/template.py. -#}
select
    template_version,
    effective_from,
    status,
    description
from {{ source('template', 'template_template') }}
