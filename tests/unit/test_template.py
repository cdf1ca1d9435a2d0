"""Template validation: a broken template is rejected with file, row and field named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dagster_project.settings import DEFAULT_TEMPLATES_DIR
from dagster_project.template import TemplateError, load_templates


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    shutil.copytree(DEFAULT_TEMPLATES_DIR / "v1", tmp_path / "v1")
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(folder: Path) -> list[str]:
    with pytest.raises(TemplateError) as caught:
        load_templates(folder)
    return caught.value.messages


def test_the_shipped_template_is_valid() -> None:
    versions = load_templates(DEFAULT_TEMPLATES_DIR)
    assert versions["v1"].effective_from == "2025-01-01" and versions["v1"].status == "active"


def test_weights_must_add_up_to_100(templates: Path) -> None:
    _edit(templates / "v1" / "indicators.csv", "higher,ratio_to_target,8", "higher,ratio_to_target,9")
    (message,) = _problems(templates)
    assert "v1/indicators.csv, row 21, field weight" in message
    assert "add up to 101, not 100" in message


def test_unknown_method_and_missing_parameter(templates: Path) -> None:
    _edit(
        templates / "v1" / "indicators.csv",
        "ACQ_TARGET_SEGMENT_SHARE,acquisition,目标客群占比,target-segment share of new clients,higher,banded",
        "ACQ_TARGET_SEGMENT_SHARE,acquisition,目标客群占比,target-segment share of new clients,higher,bandit",
    )
    _edit(templates / "v1" / "method_params.csv", "ACQ_NEW_VERIFIED,cap,1.2\n", "")
    problems = _problems(templates)
    assert any("indicators.csv, row 3, field method: 'bandit' is not one of" in p for p in problems)
    assert any(
        "row 2, field method: method ratio_to_target of ACQ_NEW_VERIFIED needs parameter 'cap'" in p
        for p in problems
    )


def test_bands_must_be_ordered(templates: Path) -> None:
    _edit(
        templates / "v1" / "bands.csv",
        "ACQ_TARGET_SEGMENT_SHARE,0.3,0.5\nACQ_TARGET_SEGMENT_SHARE,0.5,0.8",
        "ACQ_TARGET_SEGMENT_SHARE,0.5,0.8\nACQ_TARGET_SEGMENT_SHARE,0.3,0.5",
    )
    (message,) = _problems(templates)
    assert "bands.csv, row 2, field threshold" in message and "increasing threshold" in message


def test_every_indicator_needs_a_target_for_every_level(templates: Path) -> None:
    _edit(templates / "v1" / "targets.csv", "BRAND_NPS,team,*,50\n", "")
    (message,) = _problems(templates)
    assert (
        "targets.csv, field target: BRAND_NPS has no default target (entity_id *) for level team" in message
    )


def test_unparseable_numbers_and_unknown_indicators_name_row_and_field(templates: Path) -> None:
    _edit(templates / "v1" / "targets.csv", "ACQ_NEW_VERIFIED,manager,*,10", "ACQ_NEW_VERIFIED,manager,*,ten")
    _edit(templates / "v1" / "method_params.csv", "DATA_CONTENT_MIX,cap,1.0", "DATA_CONTENT_MIXX,cap,1.0")
    problems = _problems(templates)
    assert any("targets.csv, row 2, field target: 'ten'" in p for p in problems)
    assert any(
        "method_params.csv, row 6, field indicator_code: 'DATA_CONTENT_MIXX' is not an indicator" in p
        for p in problems
    )


def test_a_version_folder_must_match_its_name_and_months_must_not_clash(templates: Path) -> None:
    shutil.copytree(templates / "v1", templates / "v2")
    problems = _problems(templates)
    assert any(
        "v2/template.csv, row 2, field template_version: 'v1' does not match the folder name 'v2'" in p
        for p in problems
    )
    assert any("take effect in the same month 2025-01" in p for p in problems)


def test_bonus_is_no_parameter_it_follows_from_the_cap(templates: Path) -> None:
    _edit(
        templates / "v1" / "method_params.csv",
        "CONV_DISBURSED_AMOUNT,cap,1.2\n",
        "CONV_DISBURSED_AMOUNT,cap,1.2\nCONV_DISBURSED_AMOUNT,bonus,1\n",
    )
    (message,) = _problems(templates)
    assert "method_params.csv, row 6, field param: 'bonus' is not a parameter" in message
    assert "its cap allows" in message


def _add_scoped_rows(path: Path, rows: str) -> None:
    """Append rows with the optional entity_level and entity_id columns to a template file."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].rstrip("\n") + ",entity_level,entity_id\n"
    path.write_text("".join(lines) + rows, encoding="utf-8")


def test_bands_and_method_parameters_may_be_overridden_per_entity(templates: Path) -> None:
    _add_scoped_rows(templates / "v1" / "method_params.csv", "RISK_NPL_RATIO,red_line,0.08,branch,BR001\n")
    _add_scoped_rows(
        templates / "v1" / "bands.csv", "BRAND_NPS,10,0.5,branch,BR001\nBRAND_NPS,40,1.0,branch,BR001\n"
    )
    versions = load_templates(templates)  # default rows without the two columns apply to every entity
    rows = versions["v1"].sections["method_params"]
    assert (rows[0]["entity_level"], rows[0]["entity_id"]) == ("*", "*")
    assert (rows[-1]["entity_level"], rows[-1]["entity_id"], rows[-1]["value"]) == ("branch", "BR001", 0.08)


def test_an_override_names_its_level_and_its_bands_are_ordered(templates: Path) -> None:
    _add_scoped_rows(
        templates / "v1" / "bands.csv",
        "BRAND_NPS,40,1.0,branch,BR001\nBRAND_NPS,10,0.5,branch,BR001\nBRAND_NPS,10,0.5,*,BR002\n",
    )
    problems = _problems(templates)
    assert any("bands.csv, row 35, field threshold" in p and "increasing threshold" in p for p in problems)
    assert any(
        "bands.csv, row 37, field entity_level: the override for BR002 must name its entity_level" in p
        for p in problems
    )


@pytest.fixture
def role_templates(tmp_path: Path) -> Path:
    """v1 in force and the role template v2 (a candidate)."""
    for version in ("v1", "v2"):
        shutil.copytree(DEFAULT_TEMPLATES_DIR / version, tmp_path / version)
    return tmp_path


def test_the_shipped_role_template_is_in_force_from_april() -> None:
    v2 = load_templates(DEFAULT_TEMPLATES_DIR)["v2"]
    assert (v2.status, v2.effective_from) == ("active", "2025-04-01")
    roles = {row["role"] for row in v2.sections["indicators"]}
    assert roles == {
        "community_operator",
        "content_planner",
        "customer_service",
        "data_analyst",
        "relationship_manager",
    }


def test_each_roles_weights_must_add_up_to_100(role_templates: Path) -> None:
    _edit(role_templates / "v2" / "indicators.csv", "higher,banded,30\n", "higher,banded,31\n")
    (message,) = _problems(role_templates)
    assert "v2/indicators.csv, row 37, field weight" in message
    assert "weights of role data_analyst add up to 101" in message


def test_a_role_indicator_needs_a_manager_target_only(role_templates: Path) -> None:
    # CS_NPS scores managers only (teams and branches are scored under the operators' set)
    _edit(role_templates / "v2" / "targets.csv", "CS_NPS,manager,*,44\n", "")
    (message,) = _problems(role_templates)
    assert "CS_NPS has no default target (entity_id *) for level manager" in message


def test_a_banded_target_is_the_value_that_earns_full_points(role_templates: Path) -> None:
    # DA_SURVEY_COVERAGE earns full points at 0.05 (bands.csv): a target of 0.2 would show an
    # attainment of 0.25 for full points
    _edit(
        role_templates / "v2" / "targets.csv",
        "DA_SURVEY_COVERAGE,manager,*,0.05",
        "DA_SURVEY_COVERAGE,manager,*,0.2",
    )
    (message,) = _problems(role_templates)
    assert "v2/targets.csv, row 77, field target" in message
    assert "its target must be the value that earns full points (0.05 in bands.csv), got 0.2" in message


def test_the_managers_scored_parameter_is_checked(role_templates: Path) -> None:
    _edit(role_templates / "v2" / "parameters.csv", "managers_scored,by_role", "managers_scored,by_mood")
    (message,) = _problems(role_templates)
    assert "v2/parameters.csv, row 6, field value" in message and "community_owners, by_role" in message
