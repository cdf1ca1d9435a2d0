{#- One scorecard per entity and month (spec, "Bonus, penalty and veto" and "Grades, ranks and
    incentives"): points per dimension, bonus, penalties, veto with its reasons, final score,
    grade, peer group, rank and percentile in it, incentive multiplier.
    Choices (spec silent): the final score is rounded to 4 decimals before grading and ranking
    (so float noise cannot change a grade); ties share a rank (1, 2, 2, 4); percentile is
    100 x the share of the peer group scoring at or below the entity. -#}
{%- set dimensions = ['acquisition', 'activity', 'conversion', 'risk', 'brand', 'data'] -%}
with scorecard_adjustment as (
    select * from {{ ref('scorecard_adjustment') }}
),

stg_template_grades as (
    select * from {{ ref('stg_template_grades') }}
),

indicators as (
    select * from {{ ref('scorecard_indicator') }}
    where {{ in_partition_window('period_month') }}
),

points as (
    {#- summed as decimals: a floating-point sum depends on the order DuckDB takes it in, and the
        scores (and a release's content hash) must not -#}
    select
        period_month,
        entity_level,
        entity_id,
        template_version,
        max(peer_group) as peer_group,
        {% for dimension in dimensions -%}
            sum(case when dimension = '{{ dimension }}' then cast(points as decimal(24, 9)) else 0 end) as {{ dimension }}_points,
        {% endfor -%}
        sum(cast(points as decimal(24, 9))) as base_points,
        sum(cast(bonus_points as decimal(24, 9))) as bonus
    from indicators
    group by period_month, entity_level, entity_id, template_version
),

red_lines as (
    select
        period_month,
        entity_level,
        entity_id,
        {{ dbt.listagg(
            dbt.concat(["indicator_code", "' '", dbt.cast('round(value, 6)', dbt.type_string()), "' above red line '", dbt.cast('red_line', dbt.type_string())]),
            "'; '", "order by indicator_code"
        ) }} as reason
    from indicators
    where breaches_red_line
    group by period_month, entity_level, entity_id
),

adjustments as (
    select
        period_month,
        entity_level,
        entity_id,
        sum(penalty_points) as penalty,
        max(case when is_veto then 1 else 0 end) = 1 as has_veto,
        {{ dbt.listagg("case when is_veto then reason end", "'; '", "order by reference") }} as veto_reason
    from scorecard_adjustment
    group by period_month, entity_level, entity_id
),

scored as (
    select
        points.*,
        coalesce(adjustments.penalty, 0) as penalty,
        coalesce(adjustments.has_veto, false) or red_lines.reason is not null as veto,
        case
            when red_lines.reason is not null and adjustments.veto_reason is not null
                then {{ dbt.concat(['red_lines.reason', "'; '", 'adjustments.veto_reason']) }}
            else coalesce(red_lines.reason, adjustments.veto_reason)
        end as veto_reason
    from points
    left join adjustments
        on {{ same_entity_month('points', 'adjustments') }}
    left join red_lines
        on {{ same_entity_month('points', 'red_lines') }}
),

final as (
    select
        scored.*,
        round(
            case when scored.veto then 0 else greatest(0, scored.base_points + scored.bonus - scored.penalty) end, 4
        ) as final_score
    from scored
),

graded as (
    select
        final.*,
        case when final.veto then 'D' else grades.grade end as grade,
        case when final.veto then 0 else grades.incentive_multiplier end as incentive_multiplier
    from final
    left join (
        select
            template_version,
            grade,
            min_score,
            incentive_multiplier,
            lead(min_score) over (partition by template_version order by min_score) as next_min_score
        from stg_template_grades
    ) as grades
        on
            final.template_version = grades.template_version
            and final.final_score >= grades.min_score
            and (grades.next_min_score is null or final.final_score < grades.next_min_score)
)

select
    period_month,
    entity_level,
    entity_id,
    template_version,
    {% for dimension in dimensions -%}
        cast({{ dimension }}_points as double) as {{ dimension }}_points,
    {% endfor -%}
    cast(base_points as double) as base_points,
    cast(bonus as double) as bonus,
    cast(penalty as double) as penalty,
    veto,
    veto_reason,
    cast(final_score as double) as final_score,
    grade,
    peer_group,
    cast(
        rank()
            over (partition by period_month, entity_level, peer_group order by final_score desc)
        as {{ dbt.type_int() }}
    )
        as rank_in_peer_group,
    cast(100 * cume_dist() over (partition by period_month, entity_level, peer_group order by final_score) as double)
        as percentile,
    cast(incentive_multiplier as double) as incentive_multiplier
from graded
