{#- Per scorecard, effective weights add up to the template's total (100) unless every indicator
    is n/a, and no dimension earns more points than its effective weight. -#}
with per_entity as (
    select
        period_month,
        entity_level,
        entity_id,
        sum(effective_weight) as effective_total,
        sum(weight) as weight_total,
        sum(case when status = 'ok' then 1 else 0 end) as applicable
    from {{ ref('scorecard_indicator') }}
    group by period_month, entity_level, entity_id
),

per_dimension as (
    select
        period_month,
        entity_level,
        entity_id,
        dimension,
        sum(points) as points,
        sum(effective_weight) as effective_weight
    from {{ ref('scorecard_indicator') }}
    group by period_month, entity_level, entity_id, dimension
)

select
    period_month,
    entity_level,
    entity_id,
    'effective weights' as problem
from per_entity
where applicable > 0 and abs(effective_total - weight_total) > 0.000001
union all
select
    period_month,
    entity_level,
    entity_id,
    'dimension points above weight'
from per_dimension
where points > effective_weight + 0.000001
