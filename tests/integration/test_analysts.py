"""What analysts and reviewers read, on the demo warehouse the pipeline built and published
(``demo_runs``): the analytics views, the report (its asset, numbers, charts) and the dbt docs,
all from the same models as `scorecard explain`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.serve.docs import build_docs
from dagster_project.serve.explain import explain, fmt
from dagster_project.serve.report import write_report
from dagster_project.serve.report_data import read_report_data
from tests.conftest import query

pytestmark = pytest.mark.slow

CJK = re.compile(r"[\u4e00-\u9fff]")
LATEST = (
    "SELECT s.* EXCLUDE (release_id) FROM published.scorecard s JOIN "
    "(SELECT period_month, max(release_id) AS release_id FROM published.scorecard_release GROUP BY 1) l "
    "USING (period_month, release_id)"
)
VIEW_COLUMNS = (
    "period_month, entity_level, entity_id, template_version, role, scoring_status, not_scored_reason, "
    "acquisition_points, activity_points, conversion_points, risk_points, brand_points, data_points, "
    "base_points, bonus, penalty, veto, veto_reason, final_score, grade, peer_group, rank_in_peer_group, "
    "percentile, incentive_multiplier"
)


def test_every_analytics_view_and_column_has_a_chinese_and_english_comment(demo_runs: dict) -> None:
    views = query(
        demo_runs["warehouse"],
        "SELECT view_name, comment FROM duckdb_views() WHERE schema_name = 'analytics'",
    )
    assert len(views) >= 12
    columns = query(
        demo_runs["warehouse"],
        "SELECT table_name || '.' || column_name, comment FROM duckdb_columns() "
        "WHERE schema_name = 'analytics' AND table_name IN (SELECT view_name FROM duckdb_views() "
        "WHERE schema_name = 'analytics')",
    )
    assert len(columns) > 200
    for name, comment in [*views, *columns]:
        assert comment and CJK.search(comment) and re.search(r"[A-Za-z]{3}", comment), name


def test_the_published_views_hold_the_latest_release_of_each_month(demo_runs: dict) -> None:
    w = demo_runs["warehouse"]
    view = f"SELECT {VIEW_COLUMNS} FROM analytics.published_scorecard"
    assert query(w, f"SELECT count(*) FROM ({LATEST} EXCEPT ALL {view})") == [(0,)]
    assert query(w, f"SELECT count(*) FROM ({view} EXCEPT ALL {LATEST})") == [(0,)]
    # every release is in the history, exactly once per scorecard
    assert query(w, "SELECT count(*) FROM analytics.published_scorecard_history") == query(
        w, "SELECT count(*) FROM published.scorecard"
    )
    # the months are closed and released: the provisional view says the marts equal the releases
    assert query(w, "SELECT DISTINCT publication_status FROM analytics.provisional_scorecard") == [
        ("as_released",)
    ]


def test_question_views_agree_with_the_scorecards(demo_runs: dict) -> None:
    w = demo_runs["warehouse"]
    # a dimension's points are the sum of its indicators' points; the dimensions add up to the base
    # (to float rounding: the sums run in another order)
    assert query(
        w,
        "SELECT count(*) FROM analytics.published_scorecard s JOIN (SELECT period_month, entity_level, "
        "entity_id, sum(points) AS points FROM analytics.dimension_points GROUP BY ALL) d "
        "USING (period_month, entity_level, entity_id) WHERE abs(s.base_points - d.points) > 1e-6",
    ) == [(0,)]
    assert query(
        w,
        "SELECT count(*) FROM analytics.ranking r JOIN analytics.published_scorecard s "
        "USING (period_month, entity_level, entity_id) WHERE r.rank_in_peer_group <> s.rank_in_peer_group "
        "OR r.peer_group_size <> (SELECT count(*) FROM analytics.published_scorecard p WHERE "
        "p.period_month = s.period_month AND p.entity_level = s.entity_level AND p.peer_group = s.peer_group "
        "AND p.scoring_status = 'scored')",
    ) == [(0,)]
    moves = query(
        w,
        "SELECT score_change, final_score, previous_final_score FROM analytics.month_over_month "
        "WHERE entity_level = 'branch' AND previous_month IS NOT NULL",
    )
    assert moves and all(abs(c - (f - p)) < 1e-9 for c, f, p in moves)
    # every n/a indicator people read says why
    assert query(
        w,
        "SELECT count(*) FROM analytics.published_indicators "
        "WHERE (status = 'n/a') <> (na_reason IS NOT NULL)",
    ) == [(0,)]
    assert query(w, "SELECT count(*) FROM analytics.published_indicators WHERE status = 'n/a'")[0][0] > 0
    # read at the final score's precision: no 9.775099999999995
    assert all(repr(c) == repr(round(c, 4)) for c, _, _ in moves)
    gates = query(
        w,
        "SELECT DISTINCT period_month, month_passed, latest_release_id IS NOT NULL "
        "FROM analytics.data_quality_status",
    )
    assert {(passed, released) for _, passed, released in gates} == {(True, True)}


def test_report_explain_and_views_show_the_same_figures(demo_runs: dict) -> None:
    """One source of truth: the report (analytics views), `scorecard explain` (marts) and the
    published views agree, indicator by indicator, for a branch and a manager."""
    w = demo_runs["warehouse"]
    data = read_report_data(w, "2025-06")
    for level in ("branch", "manager"):
        entity = data.level(level)[0]["entity_id"]
        e = explain(w, "2025-06", level, entity)
        viewed = dict(
            query(
                w,
                "SELECT indicator_code, points FROM analytics.published_indicators WHERE period_month = "
                "'2025-06-01' AND entity_level = ? AND entity_id = ?",
                [level, entity],
            )
        )
        reported = {i["indicator_code"]: i["points"] for i in data.indicators if i["entity_id"] == entity}
        explained = {i["indicator_code"]: i["points"] for i in e.indicators}
        assert reported == viewed == explained
        card = next(s for s in data.scorecards if s["entity_id"] == entity)
        assert card["final_score"] == e.scorecard["final_score"] and card["grade"] == e.scorecard["grade"]


def test_branches_and_teams_carry_their_names_managers_their_ids_only(
    demo_runs: dict, tmp_path: Path
) -> None:
    w = demo_runs["warehouse"]
    names = dict(query(w, "SELECT branch_id, branch_name FROM marts.dim_branch"))
    for view in ("published_scorecard", "provisional_scorecard", "ranking", "month_over_month"):
        rows = query(w, f"SELECT entity_level, entity_id, entity_name FROM analytics.{view}")
        assert {level for level, _, name in rows if name is None} == {"manager"}, view
        assert all(name == names[entity] for level, entity, name in rows if level == "branch"), view
    team = query(
        w, "SELECT entity_name FROM analytics.published_scorecard WHERE entity_level = 'team' LIMIT 1"
    )
    assert " · " in team[0][0]  # a team's name and its branch's: team names repeat across branches
    data = read_report_data(w, "2025-06")
    branch = data.level("branch")[0]
    assert branch["entity_name"] == names[branch["entity_id"]]
    html = write_report(data, tmp_path).html.read_text(encoding="utf-8")
    assert f"<td>{branch['entity_id']}</td><td>{names[branch['entity_id']]}</td>" in html


def test_the_report_asset_wrote_each_months_report_and_links_it(demo_runs: dict) -> None:
    events = [
        e
        for e in demo_runs["first"].get_asset_materialization_events()
        if e.asset_key.to_user_string() == "reports/scorecard_report"
    ]
    assert len(events) == 6  # one per month of the backfill
    path = Path(events[-1].materialization.metadata["path"].value)
    assert path.exists() and path.name == "scorecard_report_2025-06.html"
    assert "release" in events[-1].materialization.metadata["reports"].value


def test_the_report_shows_every_branch_with_the_released_numbers_and_its_charts(
    demo_runs: dict, tmp_path: Path
) -> None:
    w = demo_runs["warehouse"]
    data = read_report_data(w, "2025-06")
    files = write_report(data, tmp_path)
    html = files.html.read_text(encoding="utf-8")
    release_id, content_hash = query(
        w,
        "SELECT release_id, content_hash FROM published.scorecard_release WHERE period_month = '2025-06-01' "
        "ORDER BY release_id DESC LIMIT 1",
    )[0]
    assert f'<strong id="release-id">{release_id}</strong>' in html and content_hash in html
    assert "PROVISIONAL" not in html
    branches = query(
        w,
        "SELECT entity_id, final_score, grade FROM published.scorecard "
        "WHERE release_id = ? AND entity_level = 'branch'",
        [release_id],
    )
    ranking = html[html.index('id="ranking-branch"') : html.index('id="ranking-team"')]
    for branch, score, grade in branches:
        row = ranking[ranking.index(f"<td>{branch}</td>") :].split("</tr>")[0]
        assert fmt(score) in row and f'class="grade-{grade}">{grade}<' in row, row
        assert f'id="entity-branch-{branch}"' in html  # its drill-down
    assert {s["final_score"] for s in data.level("branch")} == {score for _, score, _ in branches}
    # self-contained: no script, nothing fetched; the charts are inlined and written as PNG files
    assert "<script" not in html and not re.search(r"(src|href)=\"https?:", html)
    assert html.count('src="data:image/png;base64,') == len(files.charts) == 5
    for png in files.charts.values():
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert "分行排名" in html


def test_a_month_without_a_release_is_stamped_provisional(demo_runs: dict, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_runs["warehouse"], warehouse)
    with duckdb.connect(str(warehouse)) as con:  # June, as if its gates had not passed yet
        for table in ("scorecard_indicator", "scorecard", "scorecard_release"):
            con.execute(f"DELETE FROM published.{table} WHERE period_month = '2025-06-01'")
    data = read_report_data(warehouse, "2025-06")
    assert data.provisional
    html = write_report(data, tmp_path / "out").html.read_text(encoding="utf-8")
    assert 'class="stamp provisional"' in html and "PROVISIONAL" in html
    statuses = query(
        warehouse,
        "SELECT DISTINCT publication_status FROM analytics.provisional_scorecard "
        "WHERE period_month = '2025-06-01'",
    )
    assert statuses == [("provisional",)]


def test_the_dbt_docs_site_builds_offline_with_every_model(demo_runs: dict, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_runs["warehouse"], warehouse)
    index = build_docs(warehouse, tmp_path / "docs")
    site = index.read_text(encoding="utf-8")
    for name in ("published_scorecard", "ranking", "scorecard_indicator", "stg_leads", "scorecard_report"):
        assert name in site, name
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?://", site)
    # every model and every column the warehouse has (dbt's catalog) is described
    target = tmp_path / "docs" / "dbt_target"
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    undescribed = []
    for unique_id, node in catalog["nodes"].items():
        if not unique_id.startswith("model."):
            continue
        documented = manifest["nodes"][unique_id]
        columns = {name.lower(): c for name, c in documented["columns"].items()}
        if not documented["description"]:
            undescribed.append(unique_id)
        undescribed += [
            f"{unique_id}.{column}"
            for column in node["columns"]
            if not columns.get(column.lower(), {}).get("description")
        ]
    assert len(catalog["nodes"]) > 70 and undescribed == []
