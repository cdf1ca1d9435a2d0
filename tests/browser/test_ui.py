"""The Dagster UI as an auditor sees it, in headless Chromium (Debian's, no browser download).

A small demo warehouse is built and published through a real Dagster instance; the UI
(`dagster dev` on the same code location and instance settings, as `make ui` starts it: webserver
and daemon) must show the lineage from a raw feed to the published scorecard and the latest
check results of the gated marts, and a backfill launched the way the UI launches one (its
GraphQL mutation, run by the daemon) must rebuild the months the fixture built and change nothing.
Screenshots are saved under test-output/browser/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.demo.generate import generate
from dagster_project.pipeline import materialize_all, run_settings
from tests.ui_process import free_port, process_tree, still_running, wait_until_serving

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
OUTPUT = PROJECT_ROOT / "test-output" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _graphql(base: str, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{base}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is not installed: `make test-slow` installs it (apt-get install chromium)"
        )
    root = tmp_path_factory.mktemp("ui")
    home, landing, warehouse = root / "dagster_home", root / "landing", root / "warehouse.duckdb"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    generate(landing, scale=0.01, start="2025-01", months=2, seed=11, show_progress=False)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "SCORECARD_LANDING_DIR": str(landing),
        "SCORECARD_WAREHOUSE": str(warehouse),
        # the UI's asset lineage is under test, not the columns' (tests/integration/test_pipeline.py)
        "SCORECARD_COLUMN_LINEAGE": "false",
    }
    previous = {k: os.environ.get(k) for k in ("DAGSTER_HOME",)}
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        with dg.DagsterInstance.get() as instance:
            result = materialize_all(
                run_settings(landing, warehouse, "2025-01", column_lineage=False),
                "2025-01",
                "2025-02",
                instance=instance,
            )
            assert result.success
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("scorecard")), "ui", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(port, server, timeout=180)
        yield {"base": base, "warehouse": warehouse}
    finally:
        # SIGTERM, as a service manager stops it: `scorecard ui` stops dagster dev and everything
        # it started (tests/reliability/test_ui_stops.py does Ctrl-C through `make ui`)
        tree = process_tree(server.pid)
        server.terminate()
        alive = still_running(tree, within=10)
        for process in alive:
            process.kill()
        assert not alive, f"still running 10 s after SIGTERM: {alive}"


def test_lineage_from_a_raw_feed_to_the_published_scorecard(ui: dict) -> None:
    base = ui["base"]
    nodes = _graphql(base, "{ assetNodes { assetKey { path } dependencyKeys { path } } }")["assetNodes"]
    parents = {
        "/".join(n["assetKey"]["path"]): ["/".join(d["path"]) for d in n["dependencyKeys"]] for n in nodes
    }
    seen, frontier = set(), ["published/scorecard"]
    while frontier:
        key = frontier.pop()
        if key not in seen:
            seen.add(key)
            frontier.extend(parents.get(key, []))
    assert {
        "raw/engagement_events",
        "staging/stg_engagement_events",
        "marts/scorecard",
        "raw/leads",
    } <= seen

    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1800, "height": 1100})
        # the global lineage, one node per layer, left to right from raw feeds to published scores
        page.goto(f"{base}/asset-groups", wait_until="domcontentloaded")
        for group in ("raw", "staging", "intermediate", "marts", "published"):
            page.get_by_text(group, exact=True).first.wait_for(timeout=90_000)
        page.screenshot(path=str(OUTPUT / "asset_graph.png"))

        # the published scorecard's upstream lineage reaches the raw feeds
        page.goto(
            f"{base}/assets/published/scorecard?view=lineage&lineageScope=upstream&lineageDepth=8",
            wait_until="domcontentloaded",
        )
        for label in ("engagement_events", "memberships", "leads"):
            page.get_by_text(label, exact=True).first.wait_for(timeout=60_000)
        page.screenshot(path=str(OUTPUT / "published_scorecard_lineage.png"))

        # a raw feed's gates are checks of the feed itself: its contract, its health, its soft links
        page.goto(f"{base}/assets/raw/leads?view=checks", wait_until="domcontentloaded")
        for text in ("raw_leads", "ingestion_health", "raw_soft_links"):
            page.get_by_text(text, exact=True).first.wait_for(timeout=60_000)
        page.screenshot(path=str(OUTPUT / "raw_leads_checks.png"))

        # the latest result of the GX gate on the scorecard mart, with its Data Docs link
        page.goto(f"{base}/assets/marts/scorecard?view=checks", wait_until="domcontentloaded")
        # the mart has dbt's tests as checks too: open the GX one
        page.get_by_text("marts_scorecard", exact=True).first.click(timeout=60_000)
        page.get_by_text("GX suite marts_scorecard.json", exact=False).first.wait_for(timeout=60_000)
        page.screenshot(path=str(OUTPUT / "scorecard_checks.png"))  # kept when a text below is missing
        for text in ("Passed", "gx_data_docs"):
            page.get_by_text(text, exact=True).first.wait_for(timeout=60_000)
        browser.close()
    assert (OUTPUT / "asset_graph.png").stat().st_size > 10_000


LAUNCH_BACKFILL = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on UnauthorizedError { message }
  }
}
"""

BACKFILL_STATUS = """
query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill { status }
  }
  runsOrError(filter: {tags: [{key: "dagster/backfill", value: $id}]}) {
    ... on Runs { results { runId status tags { key value } } }
  }
}
"""

MATERIALIZATIONS = """
query($path: [String!]!) {
  assetOrError(assetKey: {path: $path}) {
    ... on Asset { assetMaterializations(limit: 50) { runId partition } }
  }
}
"""


def _backfill(base: str, asset_keys: list[list[str]], months: list[str]) -> tuple[str, list[dict]]:
    """Launch a backfill of every asset over ``months`` as the UI's launch dialog does, and wait."""
    params = {"assetSelection": [{"path": key} for key in asset_keys], "partitionNames": months}
    launched = _graphql(base, LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    backfill_id = launched["backfillId"]
    deadline = time.monotonic() + 900
    while True:
        data = _graphql(base, BACKFILL_STATUS, {"id": backfill_id})
        status = data["partitionBackfillOrError"]["status"]
        if status not in ("REQUESTED",):
            break
        assert time.monotonic() < deadline, f"backfill {backfill_id} still {status}"
        time.sleep(5)
    runs = data["runsOrError"]["results"]
    assert status == "COMPLETED_SUCCESS", (status, runs)
    return backfill_id, runs


def test_a_backfill_launched_like_the_ui_rebuilds_the_months_and_changes_nothing(ui: dict) -> None:
    base, warehouse = ui["base"], ui["warehouse"]
    nodes = _graphql(base, "{ assetNodes { assetKey { path } isMaterializable } }")["assetNodes"]
    keys = [n["assetKey"]["path"] for n in nodes if n["isMaterializable"]]
    months = ["2025-01-01", "2025-02-01"]

    def state() -> tuple[dict[str, int], list[tuple]]:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            counts = {
                table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("raw.engagement_events", "marts.fct_engagement_daily", "marts.scorecard")
            }
            releases = con.execute(
                "SELECT release_id, period_month, content_hash FROM published.scorecard_release ORDER BY 1"
            ).fetchall()
        return counts, releases

    before = state()
    first_id, first_runs = _backfill(base, keys, months)
    # single-run backfill policy: no run per month; each run of monthly assets covers both months
    tags = [{tag["key"]: tag["value"] for tag in run["tags"]} for run in first_runs]
    assert not [run for run in tags if "dagster/partition" in run], tags
    ranges = {
        (run["dagster/asset_partition_range_start"], run["dagster/asset_partition_range_end"])
        for run in tags
        if "dagster/asset_partition_range_start" in run
    }
    assert ranges == {("2025-01-01", "2025-02-01")}, tags
    # the backfill did rebuild both months, to the same warehouse
    run_ids = {run["runId"] for run in first_runs}
    for key in (["marts", "scorecard"], ["published", "scorecard"]):
        events = _graphql(base, MATERIALIZATIONS, {"path": key})["assetOrError"]["assetMaterializations"]
        assert {e["partition"] for e in events if e["runId"] in run_ids} == set(months), key
    # the fixture built and published these months in-process: the UI's backfill repeats that run,
    # through the daemon, and changes nothing (no row, no release)
    assert state() == before

    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1800, "height": 1100})
        page.goto(f"{base}/runs/b/{first_id}", wait_until="domcontentloaded")
        page.get_by_text("Succeeded", exact=True).first.wait_for(timeout=60_000)
        page.screenshot(path=str(OUTPUT / "backfill.png"))
        browser.close()


def test_the_scorecard_report_renders_offline_with_its_charts_and_chinese_text(ui: dict) -> None:
    """The report the pipeline wrote for February, opened from disk with every network request
    blocked: the charts load (inlined), the Chinese labels render, nothing was asked of a network."""
    report = ui["warehouse"].parent / "reports" / "2025-02" / "scorecard_report_2025-02.html"
    assert report.exists()

    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    blocked: list[str] = []

    def block_the_network(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("file:", "data:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            blocked.append(url)
            route.abort()  # type: ignore[attr-defined]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.route("**/*", block_the_network)
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        widths = page.eval_on_selector_all("img[id^=chart-]", "imgs => imgs.map(i => i.naturalWidth)")
        assert len(widths) == 5 and all(w > 300 for w in widths), widths
        text = page.inner_text("body")
        assert "社群运营考核报告" in text and "分行排名" in text and "Release" in text
        # the screenshots are for people to look at (the Chinese glyphs cannot be asserted here)
        page.screenshot(path=str(OUTPUT / "scorecard_report.png"))
        page.locator("#chart-branch_ranking").screenshot(
            path=str(OUTPUT / "scorecard_report_branch_chart.png")
        )
        browser.close()
    assert blocked == []
