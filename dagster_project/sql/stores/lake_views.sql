-- Views of the warehouse over lake tables (made on target spark, stores/lake_tables.py).
select
    schema_name,
    view_name
from duckdb_views()
where
    database_name = current_database()
    and starts_with(comment, 'lake table: ')
order by schema_name, view_name
