{#- The template's peer_groups section, as validated by dagster_project/template.py. -#}
select
    template_version,
    entity_level,
    grouping,
    band_code,
    min_members,
    max_members
from {{ source('template', 'template_peer_groups') }}
