{#- `dbt run-operation register_parquet_sources --args '{folder: ..., schemas: [raw, reference]}'`:
    registers each source table of those schemas in Spark's metastore as a Parquet table at
    <folder>/<schema>/<table> (replacing an earlier registration; the files are not touched; the
    files' schemas merged: an older release's file lacks a column added since).
    How tables written outside Spark (the loader's raw feeds, the template) become Spark tables;
    in a bank the folder is object storage and the catalog Hive, Glue or Unity. -#}
{% macro register_parquet_sources(folder, schemas) -%}
    {%- for source in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- if source.schema in schemas -%}
            {%- set relation = source.schema ~ '.' ~ source.identifier -%}
            {%- do run_query('create database if not exists ' ~ source.schema) -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query(
                "create table " ~ relation ~ " using parquet options (mergeSchema 'true') location '"
                ~ folder ~ "/" ~ source.schema ~ "/" ~ source.identifier ~ "'"
            ) -%}
            {%- do log('registered ' ~ relation, info=true) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{#- on-run-start (dbt_project.yml): on Spark, register the lake's raw feeds and template when the
    run passes its folder (SCORECARD_LAKE: on target `spark` the loader and the template asset write
    them there, dagster_project/stores/lake_tables.py); nothing on other targets
    (default__register_lake_sources). -#}
{% macro spark__register_lake_sources() -%}
    {%- set folder = env_var('SCORECARD_LAKE', '') -%}
    {%- if execute and folder -%}
        {%- do register_parquet_sources(folder, ['raw', 'reference']) -%}
    {%- endif -%}
{%- endmacro %}
