"""Role-fitting assessment (template v2, spec "Role-fitting assessment"), worked out by hand.

April 2025 of the hand-made zone (tests/scoring_zone.py) scored under a role template: the
shipped v2's role sets with the test's own targets, bands and parameters (``ROLE_*`` there).
Every expected number is derived in the comments from the zone's rows, not from the SQL.
Weights (spec table): content planners CP_PIECES 25 and CP_REACH_PER_CONTENT 25 (brand),
CP_CLICK_THROUGH 20 (conversion), CP_CONTENT_MIX 15 (data), CP_AUDIENCE_REACH 15 (activity);
customer service CS_FIRST_RESPONSE_MIN 30, CS_ANSWER_SHARE 20, CS_ANSWERED_24H 25 (activity),
CS_NPS 25 (brand); relationship managers RM_LEAD_TO_APP 25, RM_PULL_THROUGH 20,
RM_DISBURSED_AMOUNT 30 (conversion), RM_NPL_RATIO 25 (risk); data analysts
DA_VERIFIED_MEMBER_RATE 40, DA_NEW_MEMBER_LINK_RATE 30 (data), DA_SURVEY_COVERAGE 30 (brand).
Grades (shipped v2): A >= 90, B >= 75, C >= 60, else D.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.pipeline import materialize_all, run_settings
from dagster_project.template import load_templates, write_templates
from dagster_project.whatif import run_whatif_models, store_whatif_comparison
from tests.conftest import query, scorecard_cli
from tests.integration.conftest import TEMPLATE_AND_SCORES
from tests.scoring_zone import write_role_template

APRIL = "2025-04-01"
V1_CODES = {
    "ACQ_NEW_VERIFIED",
    "ACQ_TARGET_SEGMENT_SHARE",
    "ACQ_KEY_TIER_COVERAGE",
    "ACT_MONTHLY_ACTIVE_RATE",
    "ACT_STICKINESS",
    "ACT_ENGAGEMENT_PER_MEMBER",
    "ACT_RETENTION_M1",
    "ACT_FIRST_RESPONSE_MIN",
    "CONV_LEAD_TO_APP",
    "CONV_PULL_THROUGH",
    "CONV_DISBURSED_AMOUNT",
    "CONV_TIME_TO_CASH_DAYS",
    "CONV_TARGET_INDUSTRY_SHARE",
    "RISK_NPL_RATIO",
    "RISK_EARLY_DELINQ",
    "RISK_TOP1_CONCENTRATION",
    "BRAND_NPS",
    "BRAND_REACH_PER_CONTENT",
    "DATA_VERIFIED_MEMBER_RATE",
    "DATA_CONTENT_MIX",
}
#: CP_REACH_PER_CONTENT of P1: log_capped, ln(1 + 6) / ln(1 + 30)
P1_REACH_FRACTION = math.log(7) / math.log(31)


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-9)


def indicators(warehouse: Path, entity: str, schema: str = "whatif", month: str = APRIL) -> dict[str, dict]:
    rows = query(
        warehouse,
        "SELECT indicator_code, role, status, value, numerator, denominator, fraction, effective_weight, "
        f"points, bonus_points FROM {schema}.scorecard_indicator "
        "WHERE period_month = ? AND entity_level = 'manager' AND entity_id = ?",
        [month, entity],
    )
    keys = ("role", "status", "value", "numerator", "denominator", "fraction", "weight", "points", "bonus")
    return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows}


def card(warehouse: Path, entity: str, schema: str = "whatif", month: str = APRIL) -> dict | None:
    rows = query(
        warehouse,
        "SELECT template_version, role, scoring_status, not_scored_reason, final_score, grade, peer_group, "
        "rank_in_peer_group, veto, veto_reason, incentive_multiplier, bonus "
        f"FROM {schema}.scorecard WHERE period_month = ? AND entity_level = 'manager' AND entity_id = ?",
        [month, entity],
    )
    keys = (
        "version",
        "role",
        "status",
        "reason",
        "final",
        "grade",
        "peer_group",
        "rank",
        "veto",
        "veto_reason",
        "multiplier",
        "bonus",
    )
    return dict(zip(keys, rows[0], strict=True)) if rows else None


@pytest.fixture(scope="module")
def roles(scored: dict) -> dict:
    """April under the candidate role template r1, through `scorecard whatif` as a user runs it."""
    folder = write_role_template(scored["templates"], "r1")
    try:
        done = scorecard_cli(["whatif", "--month", "2025-04", "--template", "r1"], scored)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        snapshot = scored["root"] / "roles.duckdb"
        shutil.copy(scored["warehouse"], snapshot)
    finally:
        shutil.rmtree(folder)
    return {"out": done.stdout, "warehouse": snapshot}


def test_content_planners_are_scored_on_the_content_they_author(roles: dict) -> None:
    w = roles["warehouse"]
    p1 = indicators(w, "P1")
    assert set(p1) == {
        "CP_PIECES",
        "CP_REACH_PER_CONTENT",
        "CP_CLICK_THROUGH",
        "CP_CONTENT_MIX",
        "CP_AUDIENCE_REACH",
    }
    assert {i["role"] for i in p1.values()} == {"content_planner"}
    # P1 authored CT1 (K1, industry_news, 04-01) and CT3 (K1, March): one piece of April, target 2
    assert (p1["CP_PIECES"]["value"], p1["CP_PIECES"]["fraction"], p1["CP_PIECES"]["points"]) == (
        1,
        0.5,
        12.5,
    )
    # April events on CT1/CT3: E101 share by U5 (5) + E110 view by U8 (1) = 6 over 1 piece
    reach = p1["CP_REACH_PER_CONTENT"]
    assert (reach["numerator"], reach["denominator"]) == (6, 1)
    assert (reach["fraction"], reach["points"]) == (approx(P1_REACH_FRACTION), approx(25 * P1_REACH_FRACTION))
    # one view (E110), no click: 0, below the lowest band
    click = p1["CP_CLICK_THROUGH"]
    assert (click["status"], click["numerator"], click["denominator"], click["points"]) == ("ok", 0, 1, 0)
    # types of April's pieces: industry_news, 1 of 3 (target 1, cap 1)
    assert (p1["CP_CONTENT_MIX"]["value"], p1["CP_CONTENT_MIX"]["points"]) == (approx(1 / 3), approx(5))
    # members at period end of K1: U1, U3, U4, U5, U8 (U9 left 04-25); U8 viewed: 1/5 = 0.2 -> 0.7
    audience = p1["CP_AUDIENCE_REACH"]
    assert (audience["numerator"], audience["denominator"], audience["fraction"]) == (1, 5, 0.7)
    assert audience["points"] == approx(10.5)
    p1_final = round(12.5 + 25 * P1_REACH_FRACTION + 5 + 10.5, 4)
    c = card(w, "P1")
    assert (c["role"], c["status"], c["final"], c["grade"]) == ("content_planner", "scored", p1_final, "D")
    assert (c["peer_group"], c["rank"]) == ("branch:B1 role:content_planner", 1)


def test_a_dimension_all_na_is_shared_out_over_the_others(roles: dict) -> None:
    w = roles["warehouse"]
    p2 = indicators(w, "P2")
    # P2 authored CT2 (K2, 04-03); the only view of it (E111) is by staff SS1: no view counts, so
    # CP_CLICK_THROUGH is n/a, and with it the whole conversion dimension (20): the other 80 are
    # scaled by 100/80
    assert p2["CP_CLICK_THROUGH"]["status"] == "n/a"
    weights = {code: i["weight"] for code, i in p2.items()}
    assert weights == {
        "CP_PIECES": approx(31.25),
        "CP_REACH_PER_CONTENT": approx(31.25),
        "CP_CLICK_THROUGH": 0,
        "CP_CONTENT_MIX": approx(18.75),
        "CP_AUDIENCE_REACH": approx(18.75),
    }
    # 1 piece of 2 (0.5 x 31.25), reach 0, policy_interpretation 1/3 x 18.75; K2's members at
    # period end U2, U3, U6, U7, none of whom viewed: 0/4
    assert (p2["CP_AUDIENCE_REACH"]["numerator"], p2["CP_AUDIENCE_REACH"]["denominator"]) == (0, 4)
    c = card(w, "P2")
    assert (c["final"], c["grade"], c["rank"]) == (21.875, "D", 2)  # 15.625 + 6.25


def test_a_role_change_on_the_last_day_scores_the_new_role(roles: dict) -> None:
    w = roles["warehouse"]
    # X1: community_operator until 04-30, content_planner from 04-30 (the last day); authored
    # nothing: CP_PIECES and CP_CONTENT_MIX are 0 (counted), the three ratios n/a; brand (50) sits
    # on CP_PIECES, activity and conversion are n/a: weights 50 x 100/65 and 15 x 100/65
    x1 = indicators(w, "X1")
    assert {i["role"] for i in x1.values()} == {"content_planner"}
    assert {code: i["status"] for code, i in x1.items()} == {
        "CP_PIECES": "ok",
        "CP_REACH_PER_CONTENT": "n/a",
        "CP_CLICK_THROUGH": "n/a",
        "CP_CONTENT_MIX": "ok",
        "CP_AUDIENCE_REACH": "n/a",
    }
    assert (x1["CP_PIECES"]["weight"], x1["CP_CONTENT_MIX"]["weight"]) == (
        approx(5000 / 65),
        approx(1500 / 65),
    )
    c = card(w, "X1")
    assert (c["role"], c["final"], c["grade"], c["rank"]) == ("content_planner", 0, "D", 3)
    # Z1's first row starts in May: not scored in April at all
    assert card(w, "Z1") is None


def test_customer_service_is_scored_on_the_questions_of_its_accounts_communities(roles: dict) -> None:
    w = roles["warehouse"]
    s1 = indicators(w, "S1")
    # S1 runs SS1 in K1 and K2: questions E104 (K1, never answered: 10,080), E105 (30 min, SS1),
    # E108 (45 min, SS1); median 45 -> inverse band "at or below 120" = 0.7 -> 21
    first = s1["CS_FIRST_RESPONSE_MIN"]
    assert (first["value"], first["denominator"], first["fraction"], first["points"]) == (
        45,
        3,
        0.7,
        approx(21),
    )
    # 2 of 3 first answered by SS1: 0.667 >= 0.6 -> 1.0 -> 20
    share = s1["CS_ANSWER_SHARE"]
    assert (share["numerator"], share["denominator"], share["fraction"], share["points"]) == (2, 3, 1.0, 20)
    # 2 of 3 answered within 24 h, target 0.9: fraction 0.741 -> 18.52
    within = s1["CS_ANSWERED_24H"]
    assert (within["numerator"], within["denominator"]) == (2, 3)
    assert (within["fraction"], within["points"]) == (approx((2 / 3) / 0.9), approx(25 * (2 / 3) / 0.9))
    # responses in K1/K2 in April, non-staff: R1 10, R2 9, R3 5, R4 7 (R5 is SS1's): (2 - 1)/4 = 25
    nps = s1["CS_NPS"]
    assert (nps["value"], nps["denominator"], nps["fraction"], nps["points"]) == (25, 4, 0.4, 10)
    c = card(w, "S1")
    expected = round(21 + 20 + 25 * (2 / 3) / 0.9 + 10, 4)
    assert (c["role"], c["final"], c["grade"], c["multiplier"], c["rank"]) == (
        "customer_service",
        expected,
        "C",
        0.8,
        1,
    )
    assert c["peer_group"] == "branch:B1 role:customer_service"


def test_a_customer_service_manager_whose_accounts_answered_nothing(roles: dict) -> None:
    w = roles["warehouse"]
    s2 = indicators(w, "S2")
    # S2 runs SS2 in K2, which never answers: K2's questions E105 (30 min) and E108 (45 min) were
    # first answered by S1's SS1. Median 37.5 -> 0.7 -> 21; share 0/2 -> 0; both within 24 h: 1/0.9
    # capped at 1 -> 25; K2's responses R2 9, R3 5: NPS 0 -> 0.4 -> 10
    assert (s2["CS_FIRST_RESPONSE_MIN"]["value"], s2["CS_FIRST_RESPONSE_MIN"]["points"]) == (37.5, approx(21))
    assert (s2["CS_ANSWER_SHARE"]["numerator"], s2["CS_ANSWER_SHARE"]["denominator"]) == (0, 2)
    assert (s2["CS_ANSWER_SHARE"]["status"], s2["CS_ANSWER_SHARE"]["points"]) == ("ok", 0)
    assert (s2["CS_ANSWERED_24H"]["fraction"], s2["CS_ANSWERED_24H"]["bonus"]) == (1.0, 0)
    assert (s2["CS_NPS"]["value"], s2["CS_NPS"]["points"]) == (0, 10)
    c = card(w, "S2")
    assert (c["final"], c["grade"], c["rank"]) == (56, "D", 2)


def test_a_manager_with_nothing_to_score_is_not_scored(roles: dict) -> None:
    w = roles["warehouse"]
    # Y1 (customer service) left on 04-20 (their last row of the month scores them) and runs no
    # staff account: every CS indicator is n/a
    assert {i["status"] for i in indicators(w, "Y1").values()} == {"n/a"}
    c = card(w, "Y1")
    assert (c["role"], c["status"], c["final"], c["grade"], c["rank"], c["multiplier"]) == (
        "customer_service",
        "not_scored",
        None,
        None,
        None,
        None,
    )
    assert "every indicator of the role is n/a" in c["reason"]


def test_relationship_managers_are_scored_on_the_leads_they_handle_and_vetoed_by_their_npl(
    roles: dict,
) -> None:
    w = roles["warehouse"]
    rm1 = indicators(w, "RM1")
    # RM1 handles every lead, each whole. January leads (m - 3): L1 (applied 02-01), L2 (none),
    # L3 (applied after 105 days): 1/3, target 0.5 -> 0.667 x 25
    lead_to_app = rm1["RM_LEAD_TO_APP"]
    assert (lead_to_app["numerator"], lead_to_app["denominator"]) == (1, 3)
    assert lead_to_app["points"] == approx(25 * (1 / 3) / 0.5)
    # decided in April: A1 (disbursed 04-20), A2 (rejected), A5 (disbursed 05-03): 2/3 -> 0.7 -> 14
    pull = rm1["RM_PULL_THROUGH"]
    assert (pull["numerator"], pull["denominator"], pull["points"]) == (2, 3, approx(14))
    # April disbursements: D1 1,000,000 x 1.2 (C1 core) + D6 500,000 x 1.5 (C5 strategic)
    # = 1,950,000 over 1,500,000: 1.3, capped 1.2 -> 30 points and 6 bonus
    amount = rm1["RM_DISBURSED_AMOUNT"]
    assert (amount["value"], amount["fraction"], amount["points"], amount["bonus"]) == (
        1_950_000,
        approx(1.2),
        approx(30),
        approx(6),
    )
    # snapshot of 04-30: LN1 1,000,000 normal, LN6 500,000 special mention, LN9 1,000,000
    # doubtful: NPL 0.4, above the red line 0.05: veto
    npl = rm1["RM_NPL_RATIO"]
    assert (npl["numerator"], npl["denominator"], npl["value"], npl["fraction"]) == (
        1_000_000,
        2_500_000,
        0.4,
        0,
    )
    c = card(w, "RM1")
    assert (c["role"], c["veto"], c["final"], c["grade"], c["multiplier"]) == (
        "relationship_manager",
        True,
        0,
        "D",
        0,
    )
    assert "RM_NPL_RATIO 0.4 above red line 0.05" in c["veto_reason"]


def test_data_analysts_are_scored_on_their_branch(roles: dict) -> None:
    w = roles["warehouse"]
    a1 = indicators(w, "A1")
    # B1's members at period end: U1, U3, U4, U5, U8 (K1), U2, U6, U7 (K2), U30 (K3), U20, U21
    # (K4) = 11, verified U1, U3, U4, U8, U2, U30 = 6: 0.545 < 0.6 -> 0
    verified = a1["DA_VERIFIED_MEMBER_RATE"]
    assert (verified["numerator"], verified["denominator"], verified["points"]) == (6, 11, 0)
    # B1's verified-member rate as a branch in v1 terms is the same figure
    assert query(
        roles["warehouse"],
        "SELECT numerator, denominator FROM whatif.scorecard_indicator WHERE period_month = ? "
        "AND entity_id = 'B1' AND indicator_code = 'DATA_VERIFIED_MEMBER_RATE'",
        [APRIL],
    ) == [(6, 11)]
    # April joins in B1's communities: MS1 C1, MS2 C2, MS3 C3, MS4 C4 linked, MS5 C99 not: 4/5
    # = 0.8 -> 0.7 -> 21
    link = a1["DA_NEW_MEMBER_LINK_RATE"]
    assert (link["numerator"], link["denominator"], link["points"]) == (4, 5, approx(21))
    # respondents among the 11: U1, U2, U6, U8, U30 (SS1 is staff): 5/11 >= 0.2 -> 1.0 -> 30
    survey = a1["DA_SURVEY_COVERAGE"]
    assert (survey["numerator"], survey["denominator"], survey["points"]) == (5, 11, 30)
    c = card(w, "A1")
    assert (c["role"], c["final"], c["grade"], c["peer_group"], c["rank"]) == (
        "data_analyst",
        51,
        "D",
        "branch:B1 role:data_analyst",
        1,
    )


def test_operators_teams_and_branches_keep_the_v1_set(roles: dict) -> None:
    w = roles["warehouse"]
    assert set(indicators(w, "M1")) == V1_CODES
    pooled = query(
        w,
        "SELECT DISTINCT entity_level, role FROM whatif.scorecard WHERE period_month = ? "
        "AND entity_level <> 'manager' ORDER BY 1",
        [APRIL],
    )
    assert pooled == [("branch", "community_operator"), ("team", "community_operator")]


def test_whatif_shows_roles_and_grade_movements_per_role(roles: dict) -> None:
    out = roles["out"]
    for text in ("role now", "role r1", "grade movements", "content_planner", "customer_service"):
        assert text in out, text
    rows = query(
        roles["warehouse"],
        "SELECT role_in_force, candidate_role, candidate_grade FROM analytics.whatif_comparison "
        "WHERE candidate_version = 'r1' AND entity_id IN ('M1', 'P1') ORDER BY entity_id",
    )
    # M1 owns communities: an operator under both; P1 owns none: not scored under the test's v2
    assert [(r[0], r[1]) for r in rows] == [
        ("community_operator", "community_operator"),
        (None, "content_planner"),
    ]


@pytest.mark.slow  # a second what-if build (~40 s): make test-slow, which .ci/run runs
def test_moving_an_indicator_between_roles_is_a_template_change_only(scored: dict, tmp_path: Path) -> None:
    """A third template moves CP_PIECES to customer service and CS_NPS to content planners: the
    same models compute each for whoever the template assigns it to."""
    warehouse, templates = tmp_path / "warehouse.duckdb", tmp_path / "templates"
    shutil.copy(scored["warehouse"], warehouse)
    shutil.copytree(scored["templates"], templates)
    write_role_template(templates, "r2", reassigned=True)
    with duckdb.connect(str(warehouse)) as con:
        write_templates(con, load_templates(templates))
    run_whatif_models("2025-04", "r2", warehouse)
    store_whatif_comparison(warehouse, "2025-04", "r2")
    s1 = indicators(warehouse, "S1")
    assert set(s1) == {"CS_FIRST_RESPONSE_MIN", "CS_ANSWER_SHARE", "CS_ANSWERED_24H", "CP_PIECES"}
    # S1 authored nothing: a count, 0 and applicable
    assert (s1["CP_PIECES"]["status"], s1["CP_PIECES"]["value"], s1["CP_PIECES"]["points"]) == ("ok", 0, 0)
    p1 = indicators(warehouse, "P1")
    # P1 runs no staff account: CS_NPS is n/a and brand's 50 sit on CP_REACH_PER_CONTENT
    assert p1["CS_NPS"]["status"] == "n/a"
    assert (p1["CP_REACH_PER_CONTENT"]["weight"], p1["CP_REACH_PER_CONTENT"]["points"]) == (
        approx(50),
        approx(50 * P1_REACH_FRACTION),
    )
    assert card(warehouse, "P1")["final"] == round(50 * P1_REACH_FRACTION + 5 + 10.5, 4)


@pytest.mark.slow  # rescoring January to May end to end (~50-90 s): make test-slow, which .ci/run runs
def test_activating_the_role_template_scores_the_months_from_its_effective_month(
    scored: dict, tmp_path: Path
) -> None:
    """Activation is a template edit (status active, effective_from) and a run: April keeps the
    version in force before (the test's v2), May is scored by role."""
    warehouse, templates = tmp_path / "warehouse.duckdb", tmp_path / "templates"
    shutil.copy(scored["warehouse"], warehouse)
    shutil.copytree(scored["templates"], templates)
    write_role_template(templates, "r1", status="active", effective_from="2025-05")
    # the template and the scores it feeds (no gate has run on this zone: nothing to publish)
    template_and_scores = TEMPLATE_AND_SCORES.without_checks()
    result = materialize_all(
        run_settings(scored["landing"], warehouse, "2025-01", templates_dir=templates, column_lineage=False),
        "2025-01",
        "2025-05",
        selection=template_and_scores,
    )
    assert result.success
    versions = query(
        warehouse, "SELECT DISTINCT period_month, template_version FROM marts.scorecard ORDER BY 1"
    )
    assert [(str(m)[:7], v) for m, v in versions][-2:] == [("2025-04", "v2"), ("2025-05", "r1")]
    assert card(warehouse, "M1", schema="marts")["final"] == 67.0336  # April, as before
    may = card(warehouse, "P1", schema="marts", month="2025-05-01")
    assert (may["version"], may["role"]) == ("r1", "content_planner")
    assert card(warehouse, "P1", schema="marts") is None  # not scored under the test's v2 in April
    explained = scorecard_cli(
        ["explain", "--month", "2025-05", "--entity", "manager:P1"],
        {"warehouse": warehouse, "templates": templates, "root": tmp_path},
    )
    assert explained.returncode == 0, explained.stdout[-2000:] + explained.stderr[-2000:]
    out = " ".join(explained.stdout.split())
    assert "role content_planner" in out and "CP_AUDIENCE_REACH" in out
