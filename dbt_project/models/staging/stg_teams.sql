{#- One row per team and delivery: each teams delivery is a full snapshot and its history is
    kept (contract, master data); within one delivery the later line wins. -#}
with teams_delivered as (
    select * from {{ source('raw', 'teams') }}
),

deliveries as (
    {{ latest_delivery('teams_delivered', ['team_id', '_file_date']) }}
)

select
    team_id,
    branch_id,
    team_name,
    _file_date as delivered_on
from deliveries
