select count(*) > 0 as present
from information_schema.tables
where
    table_catalog = current_database()
    and table_schema = $schema_name
    and table_name = $table_name
