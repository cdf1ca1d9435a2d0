-- The month's scorecards against the month's scored entities (full outer join), with whether
-- each entity exists in its dimension.
with

cards as (
    select *
    from marts.scorecard
    where period_month = $month_start
),

entities as (
    select *
    from intermediate.int_scorecard_entities
    where period_month = $month_start
)

select
    coalesce(entities.entity_level, cards.entity_level) as entity_level,
    coalesce(entities.entity_id, cards.entity_id) as entity_id,
    entities.entity_id is not null as is_active_entity,
    count(cards.entity_id) over (
        partition by coalesce(entities.entity_level, cards.entity_level), coalesce(entities.entity_id, cards.entity_id)
    ) as times_scored,
    case coalesce(entities.entity_level, cards.entity_level)
        when 'manager'
            then coalesce(entities.entity_id, cards.entity_id) in (select m.manager_id from marts.dim_manager as m)
        when 'team' then coalesce(entities.entity_id, cards.entity_id) in (select t.team_id from marts.dim_team as t)
        else coalesce(entities.entity_id, cards.entity_id) in (select b.branch_id from marts.dim_branch as b)
    end as entity_known,
    cards.* exclude (entity_level, entity_id)
from entities
full outer join cards
    on entities.entity_level = cards.entity_level and entities.entity_id = cards.entity_id
