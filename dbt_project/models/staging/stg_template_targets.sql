{#- The template's targets section, as validated by dagster_project/template.py. -#}
with template_targets as (
    select * from {{ source('template', 'template_targets') }}
)

select
    template_version,
    indicator_code,
    entity_level,
    entity_id,
    target
from template_targets
