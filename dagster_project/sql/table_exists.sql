select count(*) > 0 as present
from information_schema.tables
where table_schema = $schema_name and table_name = $table_name
