-- The columns of every table and view of the warehouse, in order (one query for a whole dbt step).
select
    table_schema,
    table_name,
    column_name,
    data_type
from information_schema.columns
where table_catalog = current_database()
order by table_schema, table_name, ordinal_position
