{#- The template's peer_groups section, as validated by dagster_project/template.py. -#}
with template_peer_groups as (
    select * from {{ source('template', 'template_peer_groups') }}
)

select
    template_version,
    entity_level,
    grouping,
    band_code,
    min_members,
    max_members
from template_peer_groups
