{#- The local calendar day today (Asia/Shanghai), unless var as_of_date pins it. -#}
{% macro as_of_date() -%}
    {%- if var('as_of_date', none) -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        {{ return(adapter.dispatch('local_today', 'community_scorecard')()) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__local_today() -%}
    current_date
{%- endmacro %}

{% macro duckdb__local_today() -%}
    cast(timezone('Asia/Shanghai', now()) as date)
{%- endmacro %}
