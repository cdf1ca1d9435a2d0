{#- ratio_to_target: fraction = min(cap, value / target). -#}
{% macro ratio_to_target(value, target, cap) -%}
    least({{ cap }}, {{ value }} / {{ target }})
{%- endmacro %}
