{#- banded: the fraction of the highest threshold the value reaches; below the lowest, 0.
    An aggregate over the indicator's band rows. The template validator guarantees fractions
    rise with the threshold, so the highest threshold reached carries the largest fraction. -#}
{% macro banded(value, threshold, fraction) -%}
    coalesce(max(case when {{ value }} >= {{ threshold }} then {{ fraction }} end), 0)
{%- endmacro %}
