{#- Helpers for "the entity of a community" (spec, Definitions). -#}

{#- The history row (alias) holds on the day date_expr: valid_from inclusive, valid_to exclusive;
    a null bound is open (a first row that reaches back, a last row still in force). -#}
{% macro holds_on(alias, date_expr) -%}
    ({{ alias }}.valid_from is null or {{ date_expr }} >= {{ alias }}.valid_from)
    and ({{ alias }}.valid_to is null or {{ date_expr }} < {{ alias }}.valid_to)
{%- endmacro %}

{#- One row per entity level for each row of relation, which carries manager_id, team_id and
    branch_id: the pooling of facts that makes team and branch values their own, not averages. -#}
{% macro fan_out_entities(relation, columns) -%}
    {%- for level in ['manager', 'team', 'branch'] %}
    select
        '{{ level }}' as entity_level,
        {{ level }}_id as entity_id,
        {{ columns | join(', ') }}
    from {{ relation }}
    where {{ level }}_id is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- Two relations describe the same entity in the same month. -#}
{% macro same_entity_month(left, right) -%}
    {{ left }}.period_month = {{ right }}.period_month
    and {{ left }}.entity_level = {{ right }}.entity_level
    and {{ left }}.entity_id = {{ right }}.entity_id
{%- endmacro %}
