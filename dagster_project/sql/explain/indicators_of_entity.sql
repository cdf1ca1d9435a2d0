-- The indicators of one entity-month, with what their numerator and denominator hold.
-- (sqlfluff reads the $parameters as unqualified columns: RF02 is off on that line.)
select
    i.*,
    c.value_kind
from marts.scorecard_indicator as i
left join reference.indicator_catalog as c on i.indicator_code = c.indicator_code
where i.period_month = $period_month and i.entity_level = $entity_level and i.entity_id = $entity_id  -- noqa: RF02
order by i.dimension asc, i.indicator_code asc
