{#- The contract's rule for a business key delivered more than once: the row from the file with
    the latest file date wins, then the later line, then the later load. -#}
{% macro latest_delivery(relation, key_columns) -%}
    select *
    from (
        select
            delivered.*,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by delivered._file_date desc, delivered._line_number desc, delivered._loaded_at desc
            ) as delivery_rank
        from {{ relation }} as delivered
    ) as ranked
    where delivery_rank = 1
{%- endmacro %}
