{#- The template's targets section, as validated by dagster_project/template.py. -#}
select
    template_version,
    indicator_code,
    entity_level,
    entity_id,
    target
from {{ source('template', 'template_targets') }}
