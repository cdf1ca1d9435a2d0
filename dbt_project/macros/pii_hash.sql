{#- Keyed hash (HMAC-SHA256) of a PII column. On DuckDB the function is registered by the
    dbt-duckdb plugin dagster_project.pii, which reads SCORECARD_PII_KEY from the environment,
    so the key never appears in compiled SQL. Other engines must register the same function. -#}
{% macro pii_hash(column) -%}
    {{ return(adapter.dispatch('pii_hash', 'community_scorecard')(column)) }}
{%- endmacro %}

{% macro default__pii_hash(column) -%}
    pii_hmac(cast({{ column }} as {{ dbt.type_string() }}))
{%- endmacro %}
