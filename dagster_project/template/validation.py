"""The rules a template must satisfy before anything is scored with it (scorecard.md, "Targets,
bands, red lines" and "Template versions"); :func:`load_templates` reads and checks every
version and raises one :class:`TemplateError` listing every problem."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

from dagster_project.settings import SEEDS_DIR
from dagster_project.template.parsing import Problems, Row, TemplateError, TemplateVersion, read_section
from dagster_project.template.schema import (
    ENTITY_LEVELS,
    METHODS,
    OPTIONAL_PARAMETERS,
    OPTIONAL_PARAMS,
    POOLED_ROLE,
    REQUIRED_PARAMETERS,
    SECTIONS,
    SEVERITIES,
)


def _check_version(tv: TemplateVersion, problems: Problems, known_indicators: set[str] | None) -> None:
    s = tv.sections
    head = s["template"]
    if len(head) != 1:
        problems.add(
            tv.folder / "template.csv",
            None,
            None,
            f"must hold exactly one row, holds {len(head)}",
        )
        return
    if head[0]["template_version"] != tv.version:
        problems.add(
            head[0].path,
            head[0].number,
            "template_version",
            f"{head[0]['template_version']!r} does not match the folder name {tv.version!r}",
        )

    indicators = {}
    weights: dict[str, float] = defaultdict(float)
    for row in s["indicators"]:
        code = row["indicator_code"]
        if known_indicators is not None and code not in known_indicators:
            problems.add(
                row.path,
                row.number,
                "indicator_code",
                f"{code!r} is not an indicator the models compute",
            )
        if (row["role"], code) in indicators:
            problems.add(
                row.path,
                row.number,
                "indicator_code",
                f"{code!r} appears twice for role {row['role']}",
            )
        indicators[(row["role"], code)] = row
        if isinstance(row["weight"], float):
            if row["weight"] < 0:
                problems.add(row.path, row.number, "weight", "must not be negative")
            weights[str(row["role"])] += row["weight"]
    for role, total in weights.items():
        if abs(total - 100) > 1e-9:
            last = [r for r in s["indicators"] if r["role"] == role][-1]
            problems.add(
                last.path,
                last.number,
                "weight",
                f"weights of role {role} add up to {total:g}, not 100",
            )
    codes = {code for _, code in indicators}
    methods = {code: row["method"] for (_, code), row in indicators.items()}

    params: dict[str, dict[str, float]] = defaultdict(dict)
    seen_params: set[tuple[object, ...]] = set()
    for row in s["method_params"]:
        code, param = row["indicator_code"], row["param"]
        if code not in codes:
            _unknown_indicator(row, problems)
            continue
        _check_entity_scope(row, problems)
        if param == "bonus":
            problems.add(
                row.path,
                row.number,
                "param",
                "'bonus' is not a parameter: an indicator earns bonus when its fraction exceeds 1, "
                "which its cap allows (spec, Bonus)",
            )
            continue
        allowed = METHODS.get(str(methods[code]), set()) | OPTIONAL_PARAMS
        if param not in allowed:
            problems.add(
                row.path,
                row.number,
                "param",
                f"{param!r} is not a parameter of method {methods[code]} "
                f"(allowed: {', '.join(sorted(allowed))})",
            )
        scope = (code, param, row["entity_level"], row["entity_id"])
        if scope in seen_params:
            problems.add(
                row.path, row.number, "param", f"{param!r} of {code} is given twice for {_scope(row)}"
            )
        seen_params.add(scope)
        if row["entity_id"] == "*":
            params[str(code)][str(param)] = row["value"]  # type: ignore[assignment]
        if param == "cap" and isinstance(row["value"], float) and row["value"] <= 0:
            problems.add(row.path, row.number, "value", "a cap must be positive")

    bands: dict[str, list[Row]] = defaultdict(list)
    own_bands: dict[tuple[object, ...], list[Row]] = defaultdict(list)
    for row in s["bands"]:
        if row["indicator_code"] not in codes:
            _unknown_indicator(row, problems)
            continue
        _check_entity_scope(row, problems)
        if row["entity_id"] == "*":
            bands[str(row["indicator_code"])].append(row)
        else:
            own_bands[(row["indicator_code"], row["entity_level"], row["entity_id"])].append(row)
        if isinstance(row["fraction"], float) and not 0 <= row["fraction"] <= 1:
            problems.add(row.path, row.number, "fraction", "must be between 0 and 1")
    for (code, _level, _entity), rows in own_bands.items():
        method = str(methods[code])
        if method not in ("banded", "inverse_banded"):
            problems.add(rows[0].path, rows[0].number, "indicator_code", f"{code} ({method}) has no bands")
            continue
        _check_band_order(method, rows, problems)

    for (_role, code), row in indicators.items():
        method = str(row["method"])
        for needed in sorted(METHODS.get(method, set()) - set(params[str(code)])):
            problems.add(
                row.path,
                row.number,
                "method",
                f"method {method} of {code} needs parameter {needed!r} in method_params.csv",
            )
        if method in ("banded", "inverse_banded"):
            rows = bands.get(str(code), [])
            if not rows:
                problems.add(
                    row.path,
                    row.number,
                    "method",
                    f"method {method} of {code} needs rows in bands.csv",
                )
            _check_band_order(method, rows, problems)

    targets = {(r["indicator_code"], r["entity_level"], r["entity_id"]): r for r in s["targets"]}
    for row in s["targets"]:
        if row["indicator_code"] not in codes:
            _unknown_indicator(row, problems)
        if isinstance(row["target"], float) and row["target"] <= 0:
            problems.add(row.path, row.number, "target", "must be positive")
        method = str(methods.get(row["indicator_code"]))
        scope = (row["indicator_code"], row["entity_level"], row["entity_id"])
        if method in ("banded", "inverse_banded") and (row["entity_id"] == "*" or scope in own_bands):
            # an entity's own target with the default bands, or own bands under the default
            # target, is the template's business: only a pair given together is checked
            band_set = own_bands.get(scope, bands.get(str(row["indicator_code"]), []))
            _check_banded_target(method, row, band_set, problems)
    target_file = tv.folder / "targets.csv"
    pooled_codes = {code for role, code in indicators if role == POOLED_ROLE}
    for code in sorted(codes):
        # teams and branches are scored under the pooled role's set only; other roles, managers
        for level in ENTITY_LEVELS if code in pooled_codes else ("manager",):
            if (code, level, "*") not in targets:
                problems.add(
                    target_file,
                    None,
                    "target",
                    f"{code} has no default target (entity_id *) for level {level}",
                )

    grades = s["grades"]
    scores = [g["min_score"] for g in grades]
    if scores != sorted(scores, reverse=True) or len(set(scores)) != len(scores):
        problems.add(
            tv.folder / "grades.csv",
            None,
            "min_score",
            "grade bands must be listed from the highest min_score down, without repeats",
        )
    if grades and grades[-1]["min_score"] != 0:
        problems.add(grades[-1].path, grades[-1].number, "min_score", "the lowest grade must start at 0")
    if not any(g["grade"] == "D" for g in grades):
        problems.add(
            tv.folder / "grades.csv",
            None,
            "grade",
            "grade D (used under veto) is missing",
        )

    severities = {r["severity"] for r in s["penalties"]}
    for missing in sorted(set(SEVERITIES) - severities):
        problems.add(tv.folder / "penalties.csv", None, "severity", f"no row for {missing}")

    levels = defaultdict(list)
    for row in s["peer_groups"]:
        levels[row["entity_level"]].append(row)
        if row["grouping"] == "size_band" and (row["band_code"] is None or row["min_members"] is None):
            problems.add(row.path, row.number, "band_code", "a size band needs band_code and min_members")
    for level in ENTITY_LEVELS:
        if level not in levels:
            problems.add(
                tv.folder / "peer_groups.csv",
                None,
                "entity_level",
                f"no peer grouping for {level}",
            )
    _check_size_bands(levels.get("branch", []), problems)

    given = {r["parameter"]: r for r in s["parameters"]}
    for name, kind in REQUIRED_PARAMETERS.items():
        if name not in given:
            problems.add(
                tv.folder / "parameters.csv",
                None,
                "parameter",
                f"{name} is missing",
            )
            continue
        value = str(given[name]["value"])
        ok = value in SEVERITIES if kind == "severity" else _is_number(value)
        if not ok:
            problems.add(
                given[name].path,
                given[name].number,
                "value",
                f"{name} must be a {kind}, got {value!r}",
            )
    for name, row in given.items():
        if name in REQUIRED_PARAMETERS:
            continue
        if name not in OPTIONAL_PARAMETERS:
            problems.add(row.path, row.number, "parameter", f"{name!r} is not a template parameter")
            continue
        allowed, _default = OPTIONAL_PARAMETERS[name]
        if str(row["value"]) not in allowed:
            problems.add(row.path, row.number, "value", f"{name} must be one of {', '.join(allowed)}")


def _scope(row: Row) -> str:
    return "every entity" if row["entity_id"] == "*" else f"{row['entity_level']} {row['entity_id']}"


def _check_entity_scope(row: Row, problems: Problems) -> None:
    """A default row names no entity (``*``, ``*``); an override names its level and its id."""
    level, entity = row["entity_level"], row["entity_id"]
    if entity == "*" and level != "*":
        problems.add(row.path, row.number, "entity_level", "a default row (entity_id *) has entity_level *")
    if entity != "*" and level == "*":
        problems.add(
            row.path, row.number, "entity_level", f"the override for {entity} must name its entity_level"
        )


def _unknown_indicator(row: Row, problems: Problems) -> None:
    problems.add(
        row.path,
        row.number,
        "indicator_code",
        f"{row['indicator_code']!r} is not an indicator of this version",
    )


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _check_band_order(method: str, rows: list[Row], problems: Problems) -> None:
    thresholds = [r["threshold"] for r in rows]
    if thresholds != sorted(thresholds) or len(set(thresholds)) != len(thresholds):
        problems.add(
            rows[0].path,
            rows[0].number,
            "threshold",
            f"bands of {rows[0]['indicator_code']} must be listed by increasing threshold, without repeats",
        )
        return
    fractions = [r["fraction"] for r in rows]
    expected = sorted(fractions) if method == "banded" else sorted(fractions, reverse=True)
    if fractions != expected:
        problems.add(
            rows[0].path,
            rows[0].number,
            "fraction",
            f"fractions of {method} {rows[0]['indicator_code']} must "
            + ("rise" if method == "banded" else "fall")
            + " with the threshold",
        )


def _full_points_threshold(method: str, rows: list[Row]) -> float | None:
    """The value at which a band set earns full points (fraction 1): the lowest such threshold
    when higher is better, the highest when lower is better; None if no band earns 1."""
    full = [r["threshold"] for r in rows if isinstance(r["fraction"], float) and r["fraction"] >= 1]
    if not full:
        return None
    return min(full) if method == "banded" else max(full)


def _check_banded_target(method: str, target: Row, bands: list[Row], problems: Problems) -> None:
    """A banded indicator's target is the value that earns full points, so the attainment people
    read (value / target) is 1 exactly where the points are full."""
    full = _full_points_threshold(method, bands)
    if full is None or not isinstance(target["target"], float) or math.isclose(target["target"], full):
        return
    problems.add(
        target.path,
        target.number,
        "target",
        f"{target['indicator_code']} is {method}: its target must be the value that earns full "
        f"points ({full:g} in bands.csv), got {target['target']:g}",
    )


def _check_size_bands(rows: list[Row], problems: Problems) -> None:
    bands = [r for r in rows if r["grouping"] == "size_band" and r["min_members"] is not None]
    bands.sort(key=lambda r: r["min_members"])
    for before, after in zip(bands, bands[1:], strict=False):
        if before["max_members"] is None or before["max_members"] + 1 != after["min_members"]:
            problems.add(
                after.path,
                after.number,
                "min_members",
                "size bands must be ordered and adjacent (min_members = previous max_members + 1)",
            )


def indicator_catalog() -> set[str]:
    """Indicator codes the dbt models compute (``seeds/reference/indicator_catalog.csv``)."""
    with (SEEDS_DIR / "reference" / "indicator_catalog.csv").open(encoding="utf-8") as handle:
        return {row["indicator_code"] for row in csv.DictReader(handle)}


def load_templates(root: Path) -> dict[str, TemplateVersion]:
    """Every template version under ``root`` (a folder per version), validated.

    Raise :class:`TemplateError` naming file, row and field of every problem if any is broken.
    """
    problems = Problems()
    versions: dict[str, TemplateVersion] = {}
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    if not folders:
        problems.add(root, None, None, "no template version folder found")
    known = indicator_catalog()
    for folder in folders:
        sections = {section.name: read_section(folder, section, problems) for section in SECTIONS}
        tv = TemplateVersion(folder.name, folder, sections)
        if sections["template"]:
            _check_version(tv, problems, known)
        versions[folder.name] = tv
    active = [tv for tv in versions.values() if tv.sections["template"] and tv.status == "active"]
    months = defaultdict(list)
    for tv in active:
        months[tv.effective_from].append(tv.version)
    for month, names in months.items():
        if len(names) > 1:
            problems.add(
                root,
                None,
                "effective_from",
                f"active versions {', '.join(names)} take effect in the same month {month[:7]}",
            )
    if not active and folders:
        problems.add(root, None, "status", "no active template version")
    if problems.messages:
        raise TemplateError(problems.messages)
    return versions
