"""dbt models, seeds and tests as Dagster assets and asset checks, one idea a module.

* ``resource``: the dbt resource (this environment's dbt, or ``.venv-spark``'s on Spark);
* ``manifest``: the parsed project the code location is built from;
* ``translator``: asset keys ``<layer>/<model>``, groups per layer, owners;
* ``arguments``: what a run passes to dbt (target, warehouse, partition window, partial parse);
* ``metadata``: column schemas, row counts and column lineage of what a build wrote;
* ``assets``: the three dbt asset sets (master data, the monthly set, the analytics views).
"""
