{#- on-run-start: make the tables written outside dbt (the loader's raw feeds, the template)
    readable by the target. On DuckDB they are in the warehouse already; on Spark they are
    Parquet files in the lake, registered as tables (macros/spark/register_sources.sql). -#}
{% macro register_lake_sources() -%}
    {{- return(adapter.dispatch('register_lake_sources')()) -}}
{%- endmacro %}

{% macro default__register_lake_sources() -%}
{%- endmacro %}
