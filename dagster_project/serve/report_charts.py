"""The report's charts: Altair specs rendered to PNG by vl-convert, offline (no CDN, no browser).

Chinese labels need a CJK font on the machine (Debian's ``fonts-noto-cjk``, which ``make install``
adds); vl-convert finds the system's fonts.
"""

from __future__ import annotations

import altair as alt

from dagster_project.serve.report_data import ReportData

FONT = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"
GRADES = ["A", "B", "C", "D"]
GRADE_COLORS = ["#2e7d32", "#7cb342", "#f9a825", "#c62828"]
LEVEL_NAMES = {"branch": "分行 branch", "team": "团队 team", "manager": "客户经理 manager"}
RANKING_TITLES = {
    "branch": "分行排名 / branch ranking",
    "team": "团队排名 / team ranking",
    "manager": "客户经理排名 / manager ranking",
}


def _grade_color() -> alt.Color:
    return alt.Color(
        "grade:N", title="等级 grade", scale=alt.Scale(domain=GRADES, range=GRADE_COLORS), sort=GRADES
    )


def _styled(chart: alt.Chart | alt.LayerChart) -> alt.Chart | alt.LayerChart:
    return (
        chart.configure(font=FONT)
        .configure_title(font=FONT, fontSize=15, anchor="start")
        .configure_axis(labelFont=FONT, titleFont=FONT)
        .configure_legend(labelFont=FONT, titleFont=FONT)
    )


def ranking_chart(data: ReportData, entity_level: str) -> alt.Chart:
    """Final score of every scored entity of a level, best first, coloured by grade."""
    rows = [
        {
            "entity": s["entity_id"],
            "final_score": s["final_score"],
            "grade": s["grade"],
            "peer_group": s["peer_group"],
        }
        for s in data.level(entity_level)
        if s["final_score"] is not None
    ]
    height = max(120, 14 * len(rows))
    chart = (
        alt.Chart(alt.Data(values=rows), height=height, width=520)
        .mark_bar()
        .encode(
            y=alt.Y("entity:N", sort="-x", title=None),
            x=alt.X("final_score:Q", title="最终得分 final score", scale=alt.Scale(domain=[0, 100])),
            color=_grade_color(),
            tooltip=["entity:N", "final_score:Q", "grade:N", "peer_group:N"],
        )
        .properties(title=f"{RANKING_TITLES[entity_level]} — {data.month}")
    )
    return _styled(chart)


def grade_distribution_chart(data: ReportData) -> alt.Chart:
    """How many entities of each level got each grade."""
    counts: dict[tuple[str, str], int] = {}
    for s in data.scorecards:
        if s["grade"] is not None:
            key = (LEVEL_NAMES[str(s["entity_level"])], str(s["grade"]))
            counts[key] = counts.get(key, 0) + 1
    rows = [{"level": level, "grade": grade, "count": n} for (level, grade), n in counts.items()]
    chart = (
        alt.Chart(alt.Data(values=rows), width=160, height=200)
        .mark_bar()
        .encode(
            x=alt.X("grade:N", sort=GRADES, title="等级 grade"),
            y=alt.Y("count:Q", title="人数 / 个数 count"),
            color=_grade_color(),
            column=alt.Column("level:N", title=None),
        )
        .properties(title=f"等级分布 / grade distribution — {data.month}")
    )
    return _styled(chart)


def dimension_chart(data: ReportData) -> alt.LayerChart:
    """Per dimension, the branches' mean points (bars) against the mean weight (ticks)."""
    sums: dict[str, list[float]] = {}
    branches = {s["entity_id"] for s in data.level("branch")}
    for i in data.indicators:
        if i["entity_level"] == "branch":
            points, weight = sums.setdefault(str(i["dimension"]), [0.0, 0.0])
            sums[str(i["dimension"])] = [points + (i["points"] or 0), weight + (i["effective_weight"] or 0)]
    n = max(len(branches), 1)
    rows = [{"dimension": d, "points": p / n, "weight": w / n} for d, (p, w) in sums.items()]
    base = alt.Chart(alt.Data(values=rows), width=420, height=220).encode(
        x=alt.X("dimension:N", title="维度 dimension", sort=None, axis=alt.Axis(labelAngle=0))
    )
    bars = base.mark_bar(color="#1565c0").encode(y=alt.Y("points:Q", title="得分 points (mean of branches)"))
    ticks = base.mark_tick(color="#c62828", thickness=3, size=40).encode(y="weight:Q")
    chart = (bars + ticks).properties(
        title=f"维度得分（柱）与权重（红线）/ dimension points (bars) against weight (red) — {data.month}"
    )
    return _styled(chart)


def trend_chart(data: ReportData) -> alt.Chart:
    """Each branch's final score over the released months up to the report's month."""
    rows = [
        {"month": str(t["period_month"])[:7], "branch": t["entity_id"], "final_score": t["final_score"]}
        for t in data.branch_trend
        if t["final_score"] is not None
    ]
    chart = (
        alt.Chart(alt.Data(values=rows), width=520, height=260)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title="月份 month"),
            y=alt.Y("final_score:Q", title="最终得分 final score", scale=alt.Scale(zero=False)),
            color=alt.Color("branch:N", title="分行 branch"),
        )
        .properties(title=f"分行六个月趋势 / six-month trend per branch — to {data.month}")
    )
    return _styled(chart)


def report_charts(data: ReportData) -> dict[str, alt.TopLevelMixin]:
    """The charts of the report, by file stem."""
    return {
        "branch_ranking": ranking_chart(data, "branch"),
        "manager_ranking": ranking_chart(data, "manager"),
        "dimension_points": dimension_chart(data),
        "branch_trend": trend_chart(data),
        "grade_distribution": grade_distribution_chart(data),
    }


def render_png(chart: alt.TopLevelMixin) -> bytes:
    """The chart as PNG (twice the pixels, for print), with no network access."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_json(), scale=2)
