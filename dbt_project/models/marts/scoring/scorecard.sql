{#- One scorecard per entity and month (spec, "Bonus, penalty and veto" and "Grades, ranks and
    incentives"): points per dimension, bonus, penalties, veto with its reasons, final score,
    grade, peer group, rank and percentile in it, incentive multiplier.
    An entity every one of whose indicators is n/a is `not_scored` (spec, "Role-fitting
    assessment"): no final score, grade, rank, percentile or multiplier, and the reason.
    Choices (spec silent): the final score is rounded to 4 decimals before grading and ranking
    (so float noise cannot change a grade); ties share a rank (1, 2, 2, 4); percentile is
    100 x the share of the peer group scoring at or below the entity, among the scored; a
    not_scored entity that is also vetoed keeps its veto and reason, with no score or grade. -#}
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
        max(role) as role,
        max(peer_group) as peer_group,
        count(case when status = 'ok' then 1 end) = 0 as not_scored,
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
            dbt.concat(["indicator_code", "' '", dbt.cast(round_double('value', 6), dbt.type_string()), "' above red line '", dbt.cast('red_line', dbt.type_string())]),
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
        -- no veto: null (Spark's listagg of no value is '', DuckDB's null)
        nullif({{ dbt.listagg("case when is_veto then reason end", "'; '", "order by reference") }}, '') as veto_reason
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
        case
            when not scored.not_scored
                then {{ round_double(
                    'case when scored.veto then 0 else greatest(0, scored.base_points + scored.bonus - scored.penalty) end',
                    4
                ) }}
        end as final_score
    from scored
),

graded as (
    select
        final.*,
        case when final.not_scored then null when final.veto then 'D' else grades.grade end as grade,
        case
            when final.not_scored then null when final.veto then 0 else grades.incentive_multiplier
        end as incentive_multiplier
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
    role,
    case when not_scored then 'not_scored' else 'scored' end as scoring_status,
    case
        when not_scored then 'every indicator of the role is n/a (no data in what the role controls)'
    end as not_scored_reason,
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
    cast(case
        when not not_scored
            then rank() over (partition by period_month, entity_level, peer_group, not_scored order by final_score desc)
    end as {{ dbt.type_int() }})
        as rank_in_peer_group,
    cast(case
        when not not_scored
            then 100 * cume_dist() over (partition by period_month, entity_level, peer_group, not_scored order by final_score)
    end as double)
        as percentile,
    cast(incentive_multiplier as double) as incentive_multiplier
from graded
