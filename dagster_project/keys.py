"""Asset keys and run tags that more than one module names: written here once."""

import dagster as dg

SCORECARD = dg.AssetKey(["marts", "scorecard"])
SCORECARD_INDICATOR = dg.AssetKey(["marts", "scorecard_indicator"])
PUBLISHED = dg.AssetKey(["published", "scorecard"])

#: Every asset's owner (the translator gives dbt's assets the same).
OWNERS = ["team:data-engineering"]

#: Run tag whose text is added to the reason of each release the run makes.
RELEASE_NOTE_TAG = "scorecard/release_note"
#: Run tag of a landing-sensor run that rescored a month already published.
REPUBLICATION_TAG = "scorecard/republication_needed"
