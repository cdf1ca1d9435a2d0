{#- A vetoed scorecard has final score 0, grade D and multiplier 0 (spec, "Bonus, penalty and veto"). -#}
{% test vetoed_scores_are_zero(model) %}
select *
from {{ model }}
where veto and (final_score <> 0 or grade <> 'D' or incentive_multiplier <> 0)
{% endtest %}
