{#- Monthly partitions. A Dagster run of a month (or of a range of months, a single-run backfill)
    passes its time window to dbt in the environment variables SCORECARD_PARTITION_START and
    SCORECARD_PARTITION_END (local dates, end exclusive; by hand, the vars `partition_start` and
    `partition_end` do the same). Not as vars: dbt re-parses the whole project when its vars
    change, and these are read only when a model runs, never while dbt parses. An incremental
    model names its time column in `event_time`; the strategy `replace_window` then deletes the window's rows and inserts the window's rows of the new
    computation, so a run rebuilds only its months and re-running it is idempotent. Without a
    window (a plain `dbt build`, a what-if) the window is everything: a full rebuild. -#}

{% macro partition_window_predicate(column) -%}
    {%- set start = var('partition_start', env_var('SCORECARD_PARTITION_START', '')) -%}
    {%- set end = var('partition_end', env_var('SCORECARD_PARTITION_END', '')) -%}
    {%- if not start or not end -%}
        1 = 1
    {%- else -%}
        ({{ column }} >= cast('{{ start }}' as date) and {{ column }} < cast('{{ end }}' as date))
    {%- endif -%}
{%- endmacro %}


{#- In a model's SQL: keep only the window's rows on an incremental run (a first build, or a
    --full-refresh, computes every month). Only for filtering the rows the model produces: an
    input a month needs from earlier months (retention, time to cash) must not be filtered. -#}
{% macro in_partition_window(column) -%}
    {%- if is_incremental() -%}
        {{ partition_window_predicate(column) }}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}


{% macro get_incremental_replace_window_sql(arg_dict) -%}
    {{ return(adapter.dispatch('replace_window_sql')(arg_dict)) }}
{%- endmacro %}


{% macro default__replace_window_sql(arg_dict) -%}
    {%- set column = config.get('event_time') -%}
    {%- if not column -%}
        {{ exceptions.raise_compiler_error(
            "incremental_strategy 'replace_window' needs the model's time column in event_time: " ~ model.name
        ) }}
    {%- endif -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }} where {{ partition_window_predicate(column) }};
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
    where {{ partition_window_predicate(column) }}
{%- endmacro %}
