{#- Every counted question of the scored months (a non-staff `question` event outside an
    excluded member-day, spec "Anti-gaming") with the first staff `answer` in the same community
    after it (strictly later; an answer in an excluded member-day is not counted), whoever gave
    it and whenever it came, and the minutes to it capped at the template's
    first_response_cap_minutes (an unanswered question counts as the cap). Read by
    ACT_FIRST_RESPONSE_MIN (the community's entity) and the customer-service indicators (the
    staff accounts in the community).
    Choice (spec silent): of staff answers given at the same first instant, the one with the
    smallest event_id is the first answer. -#}
with int_scoring_events as (
    select * from {{ ref('int_scoring_events') }}
),

int_engagement_events_attributed as (
    select * from {{ ref('int_engagement_events_attributed') }}
),

int_member_day_activity as (
    select * from {{ ref('int_member_day_activity') }}
),

months as (
    select * from {{ ref('int_template_in_force') }}
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

staff_answers as (
    select
        answers.event_id,
        answers.community_id,
        answers.member_id,
        answers.occurred_at
    from int_engagement_events_attributed as answers
    where
        answers.event_type = 'answer'
        and answers.is_staff_event
        and not exists (
            select 1
            from int_member_day_activity as member_days
            inner join months as answer_months
                on answer_months.period_month = answers.period_month
            where
                member_days.member_id = answers.member_id
                and member_days.activity_date = answers.activity_date
                and member_days.event_count > answer_months.anti_gaming_daily_event_limit
        )
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
