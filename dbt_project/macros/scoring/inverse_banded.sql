{#- inverse_banded: as banded with "at or below": the fraction of the lowest threshold the value
    is at or below; above the highest threshold, 0. Fractions fall with the threshold (validated),
    so that band carries the largest fraction among the thresholds the value is at or below. -#}
{% macro inverse_banded(value, threshold, fraction) -%}
    coalesce(max(case when {{ value }} <= {{ threshold }} then {{ fraction }} end), 0)
{%- endmacro %}
