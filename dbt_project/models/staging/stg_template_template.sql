{#- The template's versions (template.csv of each version folder), as validated by
    dagster_project/template.py. description is renamed: it is the version's, not free text of a feed. -#}
with template_template as (
    select * from {{ source('template', 'template_template') }}
)

select
    template_version,
    effective_from,
    status,
    description as version_description
from template_template
