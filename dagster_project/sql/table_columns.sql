-- The columns of a table of the warehouse's own catalog, in order: $schema_name, $table_name.
select
    column_name,
    data_type
from information_schema.columns
where
    table_catalog = current_database()
    and table_schema = $schema_name
    and table_name = $table_name
order by ordinal_position
