{#- Shares within each group add up to 1 (within floating-point tolerance). -#}
{% test shares_sum_to_one(model, group_by, share_column) %}
select {{ group_by }}, sum({{ share_column }}) as total_share
from {{ model }}
group by {{ group_by }}
having abs(sum({{ share_column }}) - 1) > 0.000001
{% endtest %}
