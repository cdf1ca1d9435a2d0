-- Penalties and vetoes of a month with the events behind them.
select
    entity_level,
    entity_id,
    source,
    reference,
    severity,
    penalty_points,
    is_veto,
    reason
from analytics.penalties_and_vetoes
where period_month = $period_month
order by is_veto desc, penalty_points desc, entity_level asc, entity_id asc
