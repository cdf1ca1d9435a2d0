{#- log_capped: fraction = ln(1 + x) / ln(1 + max(x, T)) (OpenSSF criticality-score form). -#}
{% macro log_capped(value, t) -%}
    ln(1 + {{ value }}) / ln(1 + greatest({{ value }}, {{ t }}))
{%- endmacro %}
