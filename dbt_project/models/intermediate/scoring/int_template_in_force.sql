{{ config(materialized='table') }}

{#- The template version scoring each month: the latest active version whose effective_from is
    at or before the month (spec, "Template versions"), or the version named by var
    template_version for a what-if run (then only the months in var scoring_months, if given).
    Carries the version's scalar parameters. -#}
{%- set override = var('template_version', none) -%}
{%- set months_filter = var('scoring_months', none) -%}
with int_scoring_months as (
    select * from {{ ref('int_scoring_months') }}
),

stg_template_template as (
    select * from {{ ref('stg_template_template') }}
),

stg_template_parameters as (
    select * from {{ ref('stg_template_parameters') }}
),

months as (
    select *
    from int_scoring_months
    {%- if months_filter %}
    where cast(period_month as {{ dbt.type_string() }}) in (
        {%- for month in months_filter %}'{{ month }}-01'{{ ',' if not loop.last }}{% endfor -%}
    )
    {%- endif %}
),

chosen as (
    {%- if override %}
    select
        months.period_month,
        versions.template_version
    from months
    inner join stg_template_template as versions
        on versions.template_version = '{{ override }}'
    {%- else %}
        select
            period_month,
            template_version
        from (
            select
                months.period_month,
                versions.template_version,
                row_number() over (partition by months.period_month order by versions.effective_from desc) as recency
            from months
            inner join stg_template_template as versions
                on versions.status = 'active' and months.period_month >= versions.effective_from
        ) as ranked
        where recency = 1
    {%- endif %}
),

parameters as (
    select
        template_version,
        max(case when parameter = 'anti_gaming_daily_event_limit' then cast(value as double) end)
            as anti_gaming_daily_event_limit,
        max(case when parameter = 'anti_gaming_excluded_share' then cast(value as double) end)
            as anti_gaming_excluded_share,
        max(case when parameter = 'anti_gaming_penalty_severity' then value end) as anti_gaming_penalty_severity,
        max(case when parameter = 'first_response_cap_minutes' then cast(value as double) end)
            as first_response_cap_minutes,
        coalesce(max(case when parameter = 'managers_scored' then value end), 'community_owners')
            as managers_scored
    from stg_template_parameters
    group by template_version
)

select
    months.period_month,
    months.next_month_start,
    months.period_end_date,
    months.is_provisional,
    months.elapsed_days,
    chosen.template_version,
    parameters.anti_gaming_daily_event_limit,
    parameters.anti_gaming_excluded_share,
    parameters.anti_gaming_penalty_severity,
    parameters.first_response_cap_minutes,
    parameters.managers_scored
from months
inner join chosen on months.period_month = chosen.period_month
inner join parameters on chosen.template_version = parameters.template_version
