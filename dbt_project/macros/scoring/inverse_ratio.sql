{#- inverse_ratio: fraction = min(cap, target / value); a value of 0 earns the cap. -#}
{% macro inverse_ratio(value, target, cap) -%}
    case when {{ value }} = 0 then {{ cap }} else least({{ cap }}, {{ target }} / {{ value }}) end
{%- endmacro %}
