{#- The template's bands section, as validated by dagster_project/template.py. -#}
with template_bands as (
    select * from {{ source('template', 'template_bands') }}
)

select
    template_version,
    indicator_code,
    threshold,
    fraction,
    entity_level,
    entity_id
from template_bands
