{#- The template's bands section, as validated by dagster_project/template.py. -#}
select
    template_version,
    indicator_code,
    threshold,
    fraction,
    entity_level,
    entity_id
from {{ source('template', 'template_bands') }}
