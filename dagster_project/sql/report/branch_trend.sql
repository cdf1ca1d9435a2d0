-- Branch final scores of the released months before the report's month (up to five).
select
    period_month,
    entity_id,
    final_score,
    grade
from analytics.published_scorecard
where
    entity_level = 'branch'
    and period_month < $period_month
    and period_month >= $period_month - interval 5 month
order by period_month, entity_id
