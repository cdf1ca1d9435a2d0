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

ranked_answers as (
    select
        questions.event_id,
        staff_answers.member_id as answer_member_id,
        staff_answers.occurred_at as answer_at,
        {{ dbt.datediff('questions.occurred_at', 'staff_answers.occurred_at', 'second') }} as answer_seconds,  -- noqa: LT05
        row_number() over (
            partition by questions.event_id order by staff_answers.occurred_at, staff_answers.event_id
        ) as answer_order
    from questions
    inner join staff_answers
        on questions.community_id = staff_answers.community_id and staff_answers.occurred_at > questions.occurred_at
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
        else least(months.first_response_cap_minutes, first_answers.answer_seconds / 60.0)
    end as minutes,
    coalesce(first_answers.answer_seconds <= 24 * 60 * 60, false) as answered_within_24h
from questions
inner join months on questions.period_month = months.period_month
left join ranked_answers as first_answers
    on questions.event_id = first_answers.event_id and first_answers.answer_order = 1
