"""Community-operations scorecard pipeline: landing → raw → staging → marts with Dagster and dbt."""
