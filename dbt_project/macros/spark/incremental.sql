{#- The `replace_window` incremental strategy on Spark (macros/partition_window.sql has the
    DuckDB one). Spark tables in a Hive metastore take no DELETE, so an incremental model is
    partitioned by its `event_time` column and a run replaces the partitions of its window:
    the window's partitions that the new computation leaves without a row are dropped, then a
    dynamic `insert overwrite` writes the window's rows. Same result as delete-then-insert on
    DuckDB.

    dbt-spark's incremental materialization accepts only its own strategy names and does not
    dispatch these two macros: the root project's versions below replace them (dbt-spark is
    pinned in the lock; re-check these when upgrading it). -#}

{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- if raw_strategy == 'replace_window' -%}
        {{ return(raw_strategy) }}
    {%- endif -%}
    {%- if raw_strategy not in ['append', 'merge', 'insert_overwrite', 'microbatch'] -%}
        {{ exceptions.raise_compiler_error("Invalid incremental strategy provided: " ~ raw_strategy) }}
    {%- endif -%}
    {%- if raw_strategy == 'merge' and file_format not in ['delta', 'iceberg', 'hudi'] -%}
        {{ exceptions.raise_compiler_error("The merge strategy needs file_format delta, iceberg or hudi") }}
    {%- endif -%}
    {{ return(raw_strategy) }}
{%- endmacro %}


{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) -%}
    {%- if strategy == 'replace_window' -%}
        {{ spark__replace_window_sql(source, target) }}
    {%- elif strategy == 'append' -%}
        {{ get_insert_into_sql(source, target) }}
    {%- elif strategy in ['insert_overwrite', 'microbatch'] -%}
        {{ get_insert_overwrite_sql(source, target, existing) }}
    {%- elif strategy == 'merge' -%}
        {{ get_merge_sql(target, source, unique_key, dest_columns=none, incremental_predicates=incremental_predicates) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("No known SQL for the incremental strategy provided: " ~ strategy) }}
    {%- endif -%}
{%- endmacro %}


{#- A Spark table of an incremental model is partitioned by the model's event_time column
    (unless the model names partition_by itself). -#}
{% macro spark__partition_cols(label, required=false) -%}
    {%- set cols = config.get('partition_by', validator=validation.any[list, basestring]) -%}
    {%- if cols is none and config.get('materialized') == 'incremental' -%}
        {%- set cols = config.get('event_time') -%}
    {%- endif -%}
    {%- if cols is not none -%}
        {%- if cols is string -%}{%- set cols = [cols] -%}{%- endif -%}
        {{ label }} ({{ cols | join(', ') }})
    {%- endif -%}
{%- endmacro %}


{% macro spark__replace_window_sql(source, target) -%}
    {%- set column = config.get('event_time') -%}
    {%- if not column -%}
        {{ exceptions.raise_compiler_error(
            "incremental_strategy 'replace_window' needs the model's time column in event_time: " ~ model.name
        ) }}
    {%- endif -%}
    {%- set window = partition_window_predicate(column) -%}
    {%- if execute -%}
        {%- do run_query('set spark.sql.sources.partitionOverwriteMode = DYNAMIC') -%}
        {%- set emptied -%}
            select distinct {{ column }} from {{ target }}
            where {{ window }}
                and {{ column }} not in (
                    select {{ column }} from {{ source }} where {{ window }} and {{ column }} is not null
                )
        {%- endset -%}
        {%- for row in run_query(emptied) -%}
            {%- do run_query("alter table " ~ target ~ " drop if exists partition (" ~ column ~ " = '" ~ row[0] ~ "')") -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
    insert overwrite table {{ target }} partition ({{ column }})
    select {{ columns }} from {{ source }} where {{ window }}
{%- endmacro %}
