"""``scorecard report``: one month's scorecard as a self-contained HTML file and PNG charts.

Nothing in the HTML is fetched: the charts are PNGs inlined as data URIs, the style is inline,
there is no script, and the fonts are the reader's (CJK fonts named first).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2

from dagster_project.serve.explain import fmt
from dagster_project.serve.report_data import ReportData

TEMPLATES = Path(__file__).resolve().parent / "templates"
LEVELS = [
    ("branch", "分行排名 / Branches"),
    ("team", "团队排名 / Teams"),
    ("manager", "客户经理排名 / Managers"),
]


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    charts: dict[str, Path]


def render_html(data: ReportData, images: dict[str, bytes]) -> str:
    """The report's HTML, with the charts' PNG bytes inlined."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    indicators_of: dict[tuple[object, object], list[dict[str, object]]] = {
        (s["entity_level"], s["entity_id"]): [] for s in data.scorecards
    }
    for i in data.indicators:
        indicators_of.setdefault((i["entity_level"], i["entity_id"]), []).append(i)
    failed = [str(g["gate"]) for g in data.gates if not g["passed"]]
    return environment.get_template("report.html.j2").render(
        data=data,
        images={name: base64.b64encode(png).decode("ascii") for name, png in images.items()},
        levels=LEVELS,
        indicators_of=indicators_of,
        gates_passed=len(data.gates) - len(failed),
        gates_failed=failed,
        fmt=fmt,
        built_at=datetime.now().isoformat(timespec="seconds"),
    )


def write_report(data: ReportData, out_dir: Path) -> ReportFiles:
    """``scorecard_report_<month>.html`` and ``charts_<month>/<chart>.png`` in ``out_dir``."""
    charts_dir = out_dir / f"charts_{data.month}"
    charts_dir.mkdir(parents=True, exist_ok=True)
    from dagster_project.serve.report_charts import render_png, report_charts  # altair: ~2 s to import

    images = {name: render_png(chart) for name, chart in report_charts(data).items()}
    charts = {}
    for name, png in images.items():
        charts[name] = charts_dir / f"{name}.png"
        charts[name].write_bytes(png)
    html = out_dir / f"scorecard_report_{data.month}.html"
    html.write_text(render_html(data, images), encoding="utf-8")
    return ReportFiles(html=html, charts=charts)
