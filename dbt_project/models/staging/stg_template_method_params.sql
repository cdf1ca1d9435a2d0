{#- The template's method_params section, as validated by dagster_project/template.py. -#}
select
    template_version,
    indicator_code,
    param,
    value,
    entity_level,
    entity_id
from {{ source('template', 'template_method_params') }}
