-- The month's indicator rows with the sums the expectations compare them with.
select
    i.*,
    sum(i.effective_weight) over (partition by i.entity_level, i.entity_id) as entity_effective_weight,
    sum(i.weight) over (partition by i.entity_level, i.entity_id) as entity_weight,
    max(case when i.status = 'ok' then 1 else 0 end) over (
        partition by i.entity_level, i.entity_id
    ) as entity_has_applicable,
    sum(i.points) over (partition by i.entity_level, i.entity_id, i.dimension) as dimension_points,
    sum(i.effective_weight) over (partition by i.entity_level, i.entity_id, i.dimension)
    + 0.000001 as dimension_weight_bound
from marts.scorecard_indicator as i
where i.period_month = $month_start
