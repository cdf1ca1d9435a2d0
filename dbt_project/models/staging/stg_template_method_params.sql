{#- The template's method_params section, as validated by dagster_project/template.py. -#}
with template_method_params as (
    select * from {{ source('template', 'template_method_params') }}
)

select
    template_version,
    indicator_code,
    param,
    value,
    entity_level,
    entity_id
from template_method_params
