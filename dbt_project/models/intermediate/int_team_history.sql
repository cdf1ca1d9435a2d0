{#- A team's branch over time (spec, "Entity of a community": the teams delivery in force on a
    date; a date before the first delivery takes the first). One row per team and delivery,
    holding from its delivery date until the team's next delivery; the first row is open
    towards the past (valid_from null). A team left out of later deliveries keeps its last row. -#}
with deliveries as (
    select * from {{ ref('stg_teams') }}
),

ordered as (
    select
        team_id,
        branch_id,
        team_name,
        delivered_on,
        row_number() over (partition by team_id order by delivered_on) as delivery_number,
        lead(delivered_on) over (partition by team_id order by delivered_on) as next_delivered_on
    from deliveries
)

select
    team_id,
    branch_id,
    team_name,
    delivered_on,
    case when delivery_number > 1 then delivered_on end as valid_from,
    next_delivered_on as valid_to
from ordered
