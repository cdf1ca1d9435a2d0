{#- Conversion indicators per month and entity, computed once per basis of lead shares:
    - basis `community`: CONV_LEAD_TO_APP, CONV_PULL_THROUGH, CONV_DISBURSED_AMOUNT,
      CONV_TIME_TO_CASH_DAYS, CONV_TARGET_INDUSTRY_SHARE. A lead, and with it its applications,
      disbursements and loans, belongs to the entity of each attributed community on the lead's
      created_at date; an entity's share of a lead is the sum of its communities' shares;
    - basis `handled_leads` (int_handled_lead_shares: the attributed leads a manager handles,
      each whole): RM_LEAD_TO_APP, RM_PULL_THROUGH, RM_DISBURSED_AMOUNT, the same formulas.
    Choices (spec silent): leads and loans are counted (not share-weighted) in the lead-to-
    application rate and time to cash, like applications in pull-through; "within 90 days" is
    submitted_at <= created_at + 90 days; time to cash counts calendar days; a client whose tier
    is unknown on the disbursement date has coefficient 1. -#}
with stg_disbursements as (
    select * from {{ ref('stg_disbursements') }}
),

int_client_tier_history as (
    select * from {{ ref('int_client_tier_history') }}
),

client_tiers as (
    select * from {{ ref('client_tiers') }}
),

int_clients_current as (
    select * from {{ ref('int_clients_current') }}
),

months as (
    select * from {{ ref('int_template_in_force') }}
    where {{ in_partition_window('period_month') }}
),

lead_shares as (
    select * from {{ ref('int_lead_shares_by_basis') }}
),

applications as (
    select * from {{ ref('stg_applications') }}
),

lead_to_app as (
    select
        months.period_month,
        lead_shares.basis,
        lead_shares.entity_level,
        lead_shares.entity_id,
        count(*) as leads,
        sum(case when exists (
            select 1
            from applications
            where
                applications.lead_id = lead_shares.lead_id
                and applications.submitted_at >= lead_shares.lead_created_at
                and applications.submitted_at <= {{ dbt.dateadd('day', 90, 'lead_shares.lead_created_at') }}
        ) then 1 else 0 end) as applied
    from months
    inner join lead_shares
        on
            cast({{ dbt.date_trunc('month', 'lead_shares.lead_created_at') }} as date)
            = cast({{ dbt.dateadd('month', -3, 'months.period_month') }} as date)
    group by months.period_month, lead_shares.basis, lead_shares.entity_level, lead_shares.entity_id
),

disbursed_applications as (
    select distinct application_id from stg_disbursements
),

pull_through as (
    select
        months.period_month,
        lead_shares.basis,
        lead_shares.entity_level,
        lead_shares.entity_id,
        count(*) as decided,
        count(disbursed_applications.application_id) as disbursed
    from applications
    inner join months
        on cast({{ dbt.date_trunc('month', 'applications.decided_at') }} as date) = months.period_month
    inner join lead_shares on applications.lead_id = lead_shares.lead_id
    left join disbursed_applications on applications.application_id = disbursed_applications.application_id
    where applications.decision in ('approved', 'rejected', 'withdrawn')
    group by months.period_month, lead_shares.basis, lead_shares.entity_level, lead_shares.entity_id
),

disbursements as (
    select
        months.period_month,
        lead_shares.basis,
        lead_shares.entity_level,
        lead_shares.entity_id,
        disbursements.amount * lead_shares.share as attributed_amount,
        disbursements.amount * lead_shares.share * coalesce(tiers.coefficient, 1.0) as weighted_amount,
        coalesce(clients.is_target_segment, false) as is_target_segment
    from stg_disbursements as disbursements
    inner join months
        on cast({{ dbt.date_trunc('month', 'disbursements.disbursed_at') }} as date) = months.period_month
    inner join applications on disbursements.application_id = applications.application_id
    inner join lead_shares on applications.lead_id = lead_shares.lead_id
    left join int_client_tier_history as tier_history
        on
            applications.client_id = tier_history.client_id
            and {{ holds_on('tier_history', 'cast(disbursements.disbursed_at as date)') }}
    left join client_tiers as tiers on tier_history.tier = tiers.tier
    left join int_clients_current as clients on applications.client_id = clients.client_id
),

disbursed_amounts as (
    select
        period_month,
        basis,
        entity_level,
        entity_id,
        sum(weighted_amount) as weighted_amount,
        sum(attributed_amount) as attributed_amount,
        sum(case when is_target_segment then attributed_amount else 0 end) as target_segment_amount
    from disbursements
    group by period_month, basis, entity_level, entity_id
),

first_disbursements as (
    select
        disbursements.loan_id,
        min(disbursements.application_id) as application_id,
        min(disbursements.disbursed_at) as first_disbursed_at
    from stg_disbursements as disbursements
    group by disbursements.loan_id
),

time_to_cash as (
    select
        months.period_month,
        lead_shares.entity_level,
        lead_shares.entity_id,
        {{ median(dbt.datediff('cast(applications.submitted_at as date)', 'cast(loans.first_disbursed_at as date)', 'day')) }}
            as median_days,
        count(*) as loans
    from first_disbursements as loans
    inner join months
        on cast({{ dbt.date_trunc('month', 'loans.first_disbursed_at') }} as date) = months.period_month
    inner join applications on loans.application_id = applications.application_id
    inner join lead_shares on applications.lead_id = lead_shares.lead_id
    where lead_shares.basis = 'community'
    group by months.period_month, lead_shares.entity_level, lead_shares.entity_id
)

select
    period_month,
    entity_level,
    entity_id,
    case basis when 'community' then 'CONV_LEAD_TO_APP' else 'RM_LEAD_TO_APP' end as indicator_code,
    cast(applied as double) as numerator,
    cast(leads as double) as denominator,
    cast(applied as double) / leads as value
from lead_to_app
union all
select
    period_month,
    entity_level,
    entity_id,
    case basis when 'community' then 'CONV_PULL_THROUGH' else 'RM_PULL_THROUGH' end,
    cast(disbursed as double),
    cast(decided as double),
    cast(disbursed as double) / decided
from pull_through
union all
select
    period_month,
    entity_level,
    entity_id,
    case basis when 'community' then 'CONV_DISBURSED_AMOUNT' else 'RM_DISBURSED_AMOUNT' end,
    cast(weighted_amount as double),
    cast(null as double),
    cast(weighted_amount as double)
from disbursed_amounts
union all
select
    period_month,
    entity_level,
    entity_id,
    'CONV_TARGET_INDUSTRY_SHARE',
    cast(target_segment_amount as double),
    cast(attributed_amount as double),
    case when attributed_amount > 0 then cast(target_segment_amount as double) / attributed_amount end
from disbursed_amounts
where basis = 'community'
union all
select
    period_month,
    entity_level,
    entity_id,
    'CONV_TIME_TO_CASH_DAYS',
    cast(median_days as double),
    cast(loans as double),
    cast(median_days as double)
from time_to_cash
