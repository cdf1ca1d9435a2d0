{#- threshold: 1 when the condition holds (value >= threshold for higher-is-better,
    value <= threshold for lower-is-better), else 0. -#}
{% macro threshold(value, threshold_value, direction) -%}
    case
        when {{ direction }} = 'higher' and {{ value }} >= {{ threshold_value }} then 1.0
        when {{ direction }} = 'lower' and {{ value }} <= {{ threshold_value }} then 1.0
        else 0.0
    end
{%- endmacro %}
