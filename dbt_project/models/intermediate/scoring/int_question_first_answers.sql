{#- Every counted question of the scored months (a non-staff `question` event outside an
    excluded member-day, spec "Anti-gaming") with the first staff `answer` in the same community
    after it (strictly later; an answer in an excluded member-day is not counted, judged by that
    day's events alone, whichever months the run builds), whoever gave it and whenever it came, and the minutes to it capped at the template's
    first_response_cap_minutes (an unanswered question counts as the cap). Read by
    ACT_FIRST_RESPONSE_MIN (the community's entity) and the customer-service indicators (the
    staff accounts in the community).
    Choice (spec silent): of staff answers given at the same first instant, the one with the
    smallest event_id is the first answer. -#}
with int_scoring_events as (
    select * from {{ ref('int_scoring_events') }}
),

stg_engagement_events as (
    select * from {{ ref('stg_engagement_events') }}
),

stg_memberships as (
    select * from {{ ref('stg_memberships') }}
),

int_template_in_force as (
    select * from {{ ref('int_template_in_force') }}
),

months as (
    select * from int_template_in_force
    where {{ in_partition_window('period_month') }}
),

questions as (
    select
        events.event_id,
        events.period_month,
        events.community_id,
        events.member_id,
        events.occurred_at,
        events.manager_id,
        events.team_id,
        events.branch_id
    from int_scoring_events as events
    inner join months on events.period_month = months.period_month
    where events.event_type = 'question' and not events.is_staff_event and not events.is_excluded
),

staff_accounts as (
    select distinct
        community_id,
        member_id
    from stg_memberships
    where is_staff
),

later_events as (
    -- the answers may come after the run's months, and the member-days they fall in are judged
    -- by that day's events alone: both are read from staging, never from the months a run built
    select
        events.event_id,
        events.occurred_at,
        events.activity_date,
        events.community_id,
        events.member_id,
        events.event_type
    from stg_engagement_events as events
    where events.activity_date >= (select min(months.period_month) from months)
),

answers as (
    select
        events.event_id,
        events.community_id,
        events.member_id,
        events.occurred_at,
        events.activity_date
    from later_events as events
    inner join staff_accounts
        on events.community_id = staff_accounts.community_id and events.member_id = staff_accounts.member_id
    where events.event_type = 'answer'
),

answer_member_days as (
    -- every event of an answering member on the answer's day, all communities (spec, "Anti-gaming")
    select
        events.member_id,
        events.activity_date,
        count(*) as event_count
    from later_events as events
    inner join (select distinct member_id, activity_date from answers) as answer_days
        on events.member_id = answer_days.member_id and events.activity_date = answer_days.activity_date
    group by events.member_id, events.activity_date
),

staff_answers as (
    -- a staff answer in an excluded member-day is no response; the limit is that of the template
    -- in force in the answer's month
    select
        answers.event_id,
        answers.community_id,
        answers.member_id,
        answers.occurred_at
    from answers
    inner join answer_member_days
        on answers.member_id = answer_member_days.member_id and answers.activity_date = answer_member_days.activity_date
    left join int_template_in_force as answer_months
        on cast({{ dbt.date_trunc('month', 'answers.activity_date') }} as date) = answer_months.period_month
    where not coalesce(answer_member_days.event_count > answer_months.anti_gaming_daily_event_limit, false)
),

answer_instants as (
    -- one answer per community and instant: of answers given at the same instant, the smallest
    -- event_id
    select
        community_id,
        occurred_at,
        min(event_id) as event_id
    from staff_answers
    group by community_id, occurred_at
),

timeline as (
    -- questions and answer instants of a community in time order; at the same instant the answer
    -- comes first, so it is not "after" the question
    select
        event_id,
        community_id,
        occurred_at,
        1 as sort_kind,
        cast(null as timestamp) as answer_at
    from questions
    union all
    select
        event_id,
        community_id,
        occurred_at,
        0 as sort_kind,
        occurred_at as answer_at
    from answer_instants
),

next_answers as (
    -- the earliest answer instant after each question: one sorted pass per community (a join of
    -- every question to every later answer grew with their product: 31 s at a million events)
    select
        event_id,
        community_id,
        sort_kind,
        min(answer_at) over (
            partition by community_id
            order by occurred_at, sort_kind
            rows between current row and unbounded following
        ) as answer_at
    from timeline
),

first_answers as (
    select
        next_answers.event_id,
        answers.member_id as answer_member_id,
        next_answers.answer_at
    from next_answers
    inner join answer_instants
        on
            next_answers.community_id = answer_instants.community_id
            and next_answers.answer_at = answer_instants.occurred_at
    inner join staff_answers as answers on answer_instants.event_id = answers.event_id
    where next_answers.sort_kind = 1
)

select
    questions.event_id,
    questions.period_month,
    questions.community_id,
    questions.member_id,
    questions.occurred_at,
    questions.manager_id,
    questions.team_id,
    questions.branch_id,
    first_answers.answer_at as first_answer_at,
    first_answers.answer_member_id as first_answer_member_id,
    case
        when first_answers.answer_at is null then months.first_response_cap_minutes
        else
            least(
                months.first_response_cap_minutes,
                cast({{ dbt.datediff('questions.occurred_at', 'first_answers.answer_at', 'second') }} as double) / 60  -- noqa: LT05
            )
    end as minutes,
    coalesce(
        {{ dbt.datediff('questions.occurred_at', 'first_answers.answer_at', 'second') }} <= 24 * 60 * 60, false  -- noqa: LT05
    ) as answered_within_24h
from questions
inner join months on questions.period_month = months.period_month
left join first_answers on questions.event_id = first_answers.event_id
