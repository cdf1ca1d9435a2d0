{#- Customer-service indicators per month and manager, on the basis of the staff accounts the
    manager runs (spec, "Role-fitting assessment"): a staff membership (is_staff) whose
    staff_manager_id is the manager. A question (int_question_first_answers: non-staff, outside
    an excluded member-day) is in the manager's scope when one of their accounts is a member of
    its community at the question's time (joined_at <= asked < left_at); a survey response
    (non-staff) likewise at its submission time.
    - CS_FIRST_RESPONSE_MIN: median minutes to the first staff answer (anyone's), capped;
    - CS_ANSWER_SHARE: questions whose first staff answer (whenever it came) was given by one of
      the manager's accounts in that community / those questions;
    - CS_ANSWERED_24H: questions with a first staff answer within 1,440 minutes inclusive /
      those questions;
    - CS_NPS: 100 x (promoters - detractors) / responses in scope.
    Computed for every manager who runs a staff account; which role they score is template
    data. -#}
with int_membership_spells as (
    select * from {{ ref('int_membership_spells') }}
),

int_question_first_answers as (
    select * from {{ ref('int_question_first_answers') }}
),

stg_surveys as (
    select * from {{ ref('stg_surveys') }}
),

months as (
    select * from {{ ref('int_template_in_force') }}
    where {{ in_partition_window('period_month') }}
),

accounts as (
    select
        staff_manager_id as manager_id,
        community_id,
        member_id,
        joined_at,
        left_at
    from int_membership_spells
    where is_staff and staff_manager_id is not null
),

staff_members as (
    select distinct
        community_id,
        member_id
    from int_membership_spells
    where is_staff
),

questions_in_scope as (
    select distinct
        accounts.manager_id,
        questions.event_id,
        questions.period_month,
        questions.community_id,
        questions.first_answer_member_id,
        questions.minutes,
        questions.answered_within_24h
    from int_question_first_answers as questions
    inner join accounts
        on
            questions.community_id = accounts.community_id
            and accounts.joined_at <= questions.occurred_at
            and (accounts.left_at is null or questions.occurred_at < accounts.left_at)
),

questions as (
    select
        questions_in_scope.period_month,
        questions_in_scope.manager_id,
        {{ median('questions_in_scope.minutes') }} as median_minutes,
        count(*) as questions,
        sum(case when own_answers.member_id is not null then 1 else 0 end) as answered_by_own_account,
        sum(case when questions_in_scope.answered_within_24h then 1 else 0 end) as answered_within_24h
    from questions_in_scope
    left join (
        select distinct
            manager_id,
            community_id,
            member_id
        from accounts
    ) as own_answers
        on
            questions_in_scope.manager_id = own_answers.manager_id
            and questions_in_scope.community_id = own_answers.community_id
            and questions_in_scope.first_answer_member_id = own_answers.member_id
    group by questions_in_scope.period_month, questions_in_scope.manager_id
),

responses_in_scope as (
    select distinct
        accounts.manager_id,
        months.period_month,
        surveys.response_id,
        surveys.score
    from stg_surveys as surveys
    inner join months
        on cast({{ dbt.date_trunc('month', 'surveys.submitted_at') }} as date) = months.period_month
    inner join accounts
        on
            surveys.community_id = accounts.community_id
            and accounts.joined_at <= surveys.submitted_at
            and (accounts.left_at is null or surveys.submitted_at < accounts.left_at)
    left join staff_members
        on surveys.community_id = staff_members.community_id and surveys.member_id = staff_members.member_id
    where staff_members.member_id is null
),

nps as (
    select
        period_month,
        manager_id,
        sum(case when score >= 9 then 1 when score <= 6 then -1 else 0 end) as net_promoters,
        count(*) as responses
    from responses_in_scope
    group by period_month, manager_id
)

select
    period_month,
    'manager' as entity_level,
    manager_id as entity_id,
    'CS_FIRST_RESPONSE_MIN' as indicator_code,
    cast(median_minutes as double) as numerator,
    cast(questions as double) as denominator,
    cast(median_minutes as double) as value
from questions
union all
select
    period_month,
    'manager',
    manager_id,
    'CS_ANSWER_SHARE',
    cast(answered_by_own_account as double),
    cast(questions as double),
    cast(answered_by_own_account as double) / questions
from questions
union all
select
    period_month,
    'manager',
    manager_id,
    'CS_ANSWERED_24H',
    cast(answered_within_24h as double),
    cast(questions as double),
    cast(answered_within_24h as double) / questions
from questions
union all
select
    period_month,
    'manager',
    manager_id,
    'CS_NPS',
    cast(net_promoters as double),
    cast(responses as double),
    100 * cast(net_promoters as double) / responses
from nps
