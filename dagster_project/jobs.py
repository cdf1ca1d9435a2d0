"""Jobs: which assets a run materializes.

* ``refresh_job``: load what landed, validate the template, rebuild the marts and decide each
  month's gates: provisional scores. Run daily for the current month, and by the landing sensor
  for the months a new or re-delivered file touches.
* ``publish_job``: everything, publication of final scores included: each closed month whose
  gates passed is released and the others are reported, in the same run (``quality/gate_results``
  decides, ``published/scorecard`` reads it; nothing blocks). Run on the 3rd of each month for
  the month before, by ``scorecard run`` for its months, and from the UI.

Every job runs the checks of the assets it materializes: the raw feeds' checks record each
month's gate results in every run, provisional ones included.

Both are monthly-partitioned (inferred from their assets); the in-process executor and the
instance's run queue (one run at a time, dagster_home/dagster.yaml) keep DuckDB to a single
writer.
"""

from __future__ import annotations

import dagster as dg

PROVISIONAL = dg.AssetSelection.all() - dg.AssetSelection.groups("published")

refresh_job = dg.define_asset_job(
    name="refresh_job",
    selection=PROVISIONAL,
    description="Load what landed; refresh the provisional scores and the gates of the partition's month.",
    tags={"scorecard/kind": "provisional"},
)

publish_job = dg.define_asset_job(
    name="publish_job",
    selection=dg.AssetSelection.all(),
    description="Load, score, gate; publish the closed months that passed, report the others.",
    tags={"scorecard/kind": "final"},
)
