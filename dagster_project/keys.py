"""Asset keys and run tags that more than one module names: written here once."""

import dagster as dg

SCORECARD = dg.AssetKey(["marts", "scorecard"])
SCORECARD_INDICATOR = dg.AssetKey(["marts", "scorecard_indicator"])
PUBLISHED = dg.AssetKey(["published", "scorecard"])
#: The monthly scorecard report (HTML and PNG charts), built from the analytics views.
SCORECARD_REPORT = dg.AssetKey(["reports", "scorecard_report"])
#: Results of every quality gate: the raw feeds' checks and the gate step after the marts write them.
GATE_RESULTS = dg.AssetKey(["quality", "gate_results"])

#: Every asset's owner (the translator gives dbt's assets the same).
OWNERS = ["team:data-engineering"]

#: Run tag whose text is added to the reason of each release the run makes.
RELEASE_NOTE_TAG = "scorecard/release_note"
#: Run tag of a landing-sensor run that rescored a month already published.
REPUBLICATION_TAG = "scorecard/republication_needed"
