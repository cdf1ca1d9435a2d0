-- The columns of a table, in order: $schema_name, $table_name.
select
    column_name,
    data_type
from information_schema.columns
where table_schema = $schema_name and table_name = $table_name
order by ordinal_position
