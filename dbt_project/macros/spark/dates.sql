{#- dbt's date arithmetic on Spark. dbt-spark's own dateadd goes through to_timestamp(<seconds>),
    which is NULL when `timestamp` means TIMESTAMP_NTZ (profiles.yml: local wall-clock times, as
    on DuckDB). Spark's timestampadd/timestampdiff work on dates and both timestamp types.
    datediff counts the boundaries crossed, as dbt-duckdb's date_diff does (the difference of
    the truncated values), not the whole units elapsed. -#}

{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- if datepart | lower not in ['second', 'minute', 'hour', 'day', 'month', 'quarter', 'year'] -%}
        {{ exceptions.raise_compiler_error("datediff by " ~ datepart ~ " is not written for Spark (macros/spark/dates.sql)") }}
    {%- endif -%}
    timestampdiff(
        {{ datepart }},
        date_trunc('{{ datepart }}', {{ first_date }}),
        date_trunc('{{ datepart }}', {{ second_date }})
    )
{%- endmacro %}
