"""Jobs: which assets a run materializes.

* ``refresh_job``: load what landed, validate the template, rebuild the marts: provisional
  scores. Run daily for the current month, and by the landing sensor for the months a new or
  re-delivered file touches.
* ``publish_job``: everything, including publication of final scores; run on the 3rd of each
  month for the month before.
* ``publication_job``: publication (and what reads the releases: the analytics views, the
  report), for the months of a range whose gates passed; the
  sensor ``publish_months_that_passed`` runs it after a run that a failed blocking check of the
  marts stopped before publication (a blocking check stops its downstream steps for the whole run).

Every job runs the checks of the assets it materializes: the raw feeds' checks record each
month's gate results in every run, provisional ones included.

Both are monthly-partitioned (inferred from their assets); the in-process executor and the
instance's run queue (one run at a time, dagster_home/dagster.yaml) keep DuckDB to a single
writer.
"""

from __future__ import annotations

import dagster as dg

from dagster_project.keys import PUBLISHED

PROVISIONAL = dg.AssetSelection.all() - dg.AssetSelection.groups("published")

refresh_job = dg.define_asset_job(
    name="refresh_job",
    selection=PROVISIONAL,
    description="Load what landed and refresh the provisional scores of the partition's month.",
    tags={"scorecard/kind": "provisional"},
)

publish_job = dg.define_asset_job(
    name="publish_job",
    selection=dg.AssetSelection.all(),
    description="Load, score, check and publish the partition's month if its gates pass.",
    tags={"scorecard/kind": "final"},
)


publication_job = dg.define_asset_job(
    name="publication_job",
    selection=dg.AssetSelection.assets(PUBLISHED).downstream().materializable(),
    description="Publish each closed month of the partitions whose quality gates all passed (read from "
    "quality.gate_results); refuse the others with their reasons. Then the analytics views and the "
    "report, which read the releases.",
    tags={"scorecard/kind": "final"},
)
