{#- The template's indicators section, as validated by dagster_project/template.py. -#}
with template_indicators as (
    select * from {{ source('template', 'template_indicators') }}
)

select
    template_version,
    role,
    indicator_code,
    dimension,
    name_zh,
    name_en,
    direction,
    method,
    weight
from template_indicators
