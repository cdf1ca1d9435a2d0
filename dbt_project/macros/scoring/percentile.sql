{#- percentile: the entity's percentile rank (0..1) within its peer group, best value highest.
    A window expression over the applicable rows of one indicator. -#}
{% macro percentile(value, direction, partition_by) -%}
    case
        when {{ direction }} = 'lower'
            then percent_rank() over (partition by {{ partition_by }} order by {{ value }} desc)
        else percent_rank() over (partition by {{ partition_by }} order by {{ value }} asc)
    end
{%- endmacro %}
