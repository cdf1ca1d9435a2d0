-- Every what-if comparison ever made (append-only): who would have scored what under a candidate.
create schema if not exists analytics;

create table if not exists analytics.whatif_comparison (
    compared_at timestamp,
    period_month date,
    entity_level varchar,
    entity_id varchar,
    current_version varchar,
    candidate_version varchar,
    current_score double,
    candidate_score double,
    score_change double,
    current_grade varchar,
    candidate_grade varchar,
    current_rank integer,
    candidate_rank integer,
    rank_change integer
);

-- added with template v2 (roles): a comparison made before has them null
alter table analytics.whatif_comparison add column if not exists role_in_force varchar;

alter table analytics.whatif_comparison add column if not exists candidate_role varchar;
