"""Scorecards of a hand-made landing zone, checked against values worked out by hand.

The zone and the April template (v2) are in tests/scoring_zone.py; each expected number below
is derived from the rows there, not from the project's SQL.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from dagster_project.pipeline import failure_messages, materialize_all, run_settings
from tests.conftest import query, scorecard_cli
from tests.integration.conftest import TEMPLATE_AND_SCORES

APRIL = "2025-04-01"


def indicators(warehouse: Path, level: str, entity: str, month: str = APRIL) -> dict[str, dict]:
    rows = query(
        warehouse,
        "SELECT indicator_code, status, value, numerator, denominator, target, fraction, "
        "effective_weight, points, bonus_points FROM marts.scorecard_indicator "
        "WHERE period_month = ? AND entity_level = ? AND entity_id = ?",
        [month, level, entity],
    )
    keys = (
        "status",
        "value",
        "numerator",
        "denominator",
        "target",
        "fraction",
        "effective_weight",
        "points",
        "bonus",
    )
    return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows}


def card(warehouse: Path, level: str, entity: str, month: str = APRIL) -> dict:
    rows = query(
        warehouse,
        "SELECT template_version, base_points, bonus, penalty, veto, veto_reason, final_score, "
        "grade, peer_group, rank_in_peer_group, percentile, incentive_multiplier, "
        "acquisition_points, risk_points FROM marts.scorecard "
        "WHERE period_month = ? AND entity_level = ? AND entity_id = ?",
        [month, level, entity],
    )
    assert len(rows) == 1, f"{level} {entity} scored {len(rows)} times"
    keys = (
        "version",
        "base",
        "bonus",
        "penalty",
        "veto",
        "veto_reason",
        "final",
        "grade",
        "peer_group",
        "rank",
        "percentile",
        "multiplier",
        "acquisition",
        "risk",
    )
    return dict(zip(keys, rows[0], strict=True))


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-9)


# --------------------------------------------------------------------------- indicator values (M1, April)


def test_acquisition_indicators(scored: dict) -> None:
    m1 = indicators(scored["warehouse"], "manager", "M1")
    # C1, C2, C4 joined in April; C3 overlapped an earlier spell; C99 is no known client
    assert (m1["ACQ_NEW_VERIFIED"]["value"], m1["ACQ_NEW_VERIFIED"]["status"]) == (3, "ok")
    # C1 (manufacturing) and C4 (green) of 3
    assert m1["ACQ_TARGET_SEGMENT_SHARE"]["value"] == approx(2 / 3)
    # key clients of B1 at period end: C1, C5, C7, C9 (C8 fell to ordinary); M1 covers C1 and C5
    assert (m1["ACQ_KEY_TIER_COVERAGE"]["numerator"], m1["ACQ_KEY_TIER_COVERAGE"]["denominator"]) == (2, 4)
    b1 = indicators(scored["warehouse"], "branch", "B1")
    assert b1["ACQ_KEY_TIER_COVERAGE"]["value"] == approx(3 / 4)  # + C9 through K3


def test_activity_indicators(scored: dict) -> None:
    m1 = indicators(scored["warehouse"], "manager", "M1")
    # members at period end U1..U8 (U9 left 04-25); active U1, U2, U5, U6, U8 (U3's bot day is excluded)
    assert (m1["ACT_MONTHLY_ACTIVE_RATE"]["numerator"], m1["ACT_MONTHLY_ACTIVE_RATE"]["denominator"]) == (
        5,
        8,
    )
    # daily actives 1 + 1 + 1 + 2 + 1 + 1 = 7 over 30 days, 5 monthly actives
    assert m1["ACT_STICKINESS"]["value"] == approx(7 / 30 / 5)
    # weights: U5 share 6, U1 3 + 1 + 6, U2 6, U6 3 + 6, U8 1 = 32 over 8 members
    assert m1["ACT_ENGAGEMENT_PER_MEMBER"]["value"] == approx(4.0)
    # March joiners U6 and U7; only U6 active in April
    assert m1["ACT_RETENTION_M1"]["value"] == approx(0.5)
    # questions answered after 30 and 45 minutes and one never (10,080): median 45
    assert (m1["ACT_FIRST_RESPONSE_MIN"]["value"], m1["ACT_FIRST_RESPONSE_MIN"]["denominator"]) == (45, 3)


def test_conversion_indicators(scored: dict) -> None:
    m1 = indicators(scored["warehouse"], "manager", "M1")
    # January leads L1, L2, L3 (half M1's); only L1 applied within 90 days
    assert (m1["CONV_LEAD_TO_APP"]["numerator"], m1["CONV_LEAD_TO_APP"]["denominator"]) == (1, 3)
    # decided in April: A1 (disbursed), A2 (rejected), A5 (disbursed in May, still counts)
    assert m1["CONV_PULL_THROUGH"]["value"] == approx(2 / 3)
    # 1,000,000 x 1.2 (C1 core) + 500,000 x 1.5 (C5 strategic)
    assert m1["CONV_DISBURSED_AMOUNT"]["value"] == approx(1_950_000)
    # LN1: 2025-02-01 -> 04-20 = 78 days; LN6: 02-10 -> 04-02 = 51 days; median 64.5
    assert m1["CONV_TIME_TO_CASH_DAYS"]["value"] == approx(64.5)
    # before coefficients: 1,000,000 to a manufacturing client of 1,500,000
    assert m1["CONV_TARGET_INDUSTRY_SHARE"]["value"] == approx(2 / 3)


def test_risk_indicators(scored: dict) -> None:
    w = scored["warehouse"]
    m1 = indicators(w, "manager", "M1")
    assert m1["RISK_NPL_RATIO"]["value"] == 0 and m1["RISK_NPL_RATIO"]["denominator"] == approx(1_500_000)
    assert m1["RISK_TOP1_CONCENTRATION"]["value"] == approx(1_000_000 / 1_500_000)
    assert m1["RISK_EARLY_DELINQ"]["status"] == "n/a"  # no M1 loan disbursed 6-12 months before
    m2 = indicators(w, "manager", "M2")
    assert m2["RISK_NPL_RATIO"]["value"] == approx(1.0)
    # LN7 (06-15) went 35 dpd within 6 months; LN8 (08-01) only after 6 months on book
    assert (m2["RISK_EARLY_DELINQ"]["numerator"], m2["RISK_EARLY_DELINQ"]["denominator"]) == (1, 2)
    b1 = indicators(w, "branch", "B1")
    assert b1["RISK_NPL_RATIO"]["value"] == approx(1_000_000 / 2_500_000)  # pooled, not averaged


def test_brand_and_data_indicators(scored: dict) -> None:
    m1 = indicators(scored["warehouse"], "manager", "M1")
    # promoters U1 (10), U2 (9); detractor U6 (5); passive U8 (7); the staff response is not counted
    assert (m1["BRAND_NPS"]["value"], m1["BRAND_NPS"]["denominator"]) == (approx(25.0), 4)
    # view (1) + share (5) on CT1; the staff view of CT2 does not count; 2 pieces published in April
    assert m1["BRAND_REACH_PER_CONTENT"]["value"] == approx(3.0)
    # U1 (C1), U2, U3, U4, U8 have known clients; U5 (C99), U6, U7 do not
    assert m1["DATA_VERIFIED_MEMBER_RATE"]["value"] == approx(5 / 8)
    # industry_news and policy_interpretation in April (finance_knowledge was in March)
    assert m1["DATA_CONTENT_MIX"]["value"] == approx(2 / 3)


def test_team_values_pool_their_data_and_follow_a_manager_who_moved(scored: dict) -> None:
    w = scored["warehouse"]
    t1 = indicators(w, "team", "T1")
    # T1 = M1's communities plus K4 until M4 moved on 04-16: U20's event of 04-10 counts for T1
    assert t1["ACT_STICKINESS"]["denominator"] == 6
    assert t1["ACT_STICKINESS"]["value"] == approx(8 / 30 / 6)
    # K4 belongs to T2 on the last day, so its members are T2's members at period end
    assert t1["ACT_ENGAGEMENT_PER_MEMBER"]["value"] == approx(35 / 8)
    # actives at period end are read on the last day (spec, Definitions): K4 is T2's on 04-30, so
    # its members U20 and U21 are T2's members at period end, and both were active in K4 in April
    # (U20 on 04-10, before the move, U21 on 04-20): with U30 (K3) 3 of 3
    t2 = indicators(w, "team", "T2")
    assert (t2["ACT_MONTHLY_ACTIVE_RATE"]["numerator"], t2["ACT_MONTHLY_ACTIVE_RATE"]["denominator"]) == (
        3,
        3,
    )
    # engagement itself stays on the event's date: U20's message of 04-10 (weight 3) is T1's
    assert t1["ACT_ENGAGEMENT_PER_MEMBER"]["numerator"] == 35
    # T1's actives at period end are M1's (K4 is no longer T1's on the last day): 5 of 8
    assert (t1["ACT_MONTHLY_ACTIVE_RATE"]["numerator"], t1["ACT_MONTHLY_ACTIVE_RATE"]["denominator"]) == (
        5,
        8,
    )


def test_a_community_belongs_to_its_owner_before_the_owners_first_history_row(scored: dict) -> None:
    w = scored["warehouse"]
    # K6's owner M5 has history only from 2025-04-10 (team T4); E150 of 04-05 is still M5's, in the
    # first row's team T4, whose branch on 04-05 is B1 (the teams delivery of 2025-01-01)
    assert query(
        w,
        "SELECT manager_id, team_id, branch_id FROM intermediate.int_engagement_events_attributed "
        "WHERE event_id = 'E150'",
    ) == [("M5", "T4", "B1")]
    m5 = indicators(w, "manager", "M5")
    # E150 message 3 + E151 message 3 + E152 reaction 1 = 7 over U50 and U51 (members at period end)
    assert m5["ACT_ENGAGEMENT_PER_MEMBER"]["numerator"] == 7
    assert m5["ACT_ENGAGEMENT_PER_MEMBER"]["value"] == approx(3.5)
    # daily actives 1 (04-05) + 1 (04-12) + 1 (04-25) over 30 days, 2 monthly actives
    assert m5["ACT_STICKINESS"]["value"] == approx(3 / 30 / 2)
    assert indicators(w, "team", "T4")["ACT_ENGAGEMENT_PER_MEMBER"]["numerator"] == 7
    # January: the whole month lies before M5's first row: M5 is not scored (spec, "Readings
    # settled for v2": a history row must overlap the month, in both versions)
    assert not query(
        w,
        "SELECT 1 FROM marts.scorecard WHERE period_month = '2025-01-01' AND entity_id = 'M5'",
    )


def test_a_fact_takes_the_teams_branch_in_force_on_its_date(scored: dict) -> None:
    w = scored["warehouse"]
    # T4 is B1's until the teams delivery of 2025-04-20 moves it to B2
    branches = dict(
        query(
            w,
            "SELECT event_id, branch_id FROM intermediate.int_engagement_events_attributed "
            "WHERE event_id IN ('E150', 'E151', 'E152')",
        )
    )
    assert branches == {"E150": "B1", "E151": "B1", "E152": "B2"}
    b2 = indicators(w, "branch", "B2")
    # B2's April events: E140 (K5, message 3) and E152 (K6 after the move, reaction 1) = 4; its
    # members at period end U40 (K5), U50 and U51 (K6 is B2's on 04-30) = 3
    assert (b2["ACT_ENGAGEMENT_PER_MEMBER"]["numerator"], b2["ACT_ENGAGEMENT_PER_MEMBER"]["denominator"]) == (
        4,
        3,
    )
    # on the last day T4 (and so M5) is B2's: ranked there
    assert card(w, "manager", "M5")["peer_group"] == "branch:B2"
    assert query(w, "SELECT branch_id FROM marts.dim_team WHERE team_id = 'T4'") == [("B2",)]


# --------------------------------------------------------------------------- scoring


def test_every_method_at_its_edges(scored: dict) -> None:
    m1 = indicators(scored["warehouse"], "manager", "M1")
    fraction = {code: row["fraction"] for code, row in m1.items()}
    assert fraction["ACQ_NEW_VERIFIED"] == approx(1.2)  # ratio_to_target above the cap: 3 / 2 -> 1.2
    assert fraction["ACT_MONTHLY_ACTIVE_RATE"] == approx(0.9)  # banded, exactly at threshold 0.625
    assert fraction["ACT_RETENTION_M1"] == approx(0.7)  # banded, exactly at the lowest threshold 0.5
    assert fraction["ACT_FIRST_RESPONSE_MIN"] == approx(0.6)  # inverse_banded, exactly at 45
    assert fraction["CONV_TIME_TO_CASH_DAYS"] == approx(0.4)  # inverse_banded, 64.5 <= 90
    assert fraction["RISK_NPL_RATIO"] == approx(1.0)  # inverse_ratio with value 0 -> the cap
    # and its attainment too (spec: a lower-is-better value of 0 has attainment = cap, here 1.0)
    npl = query(
        scored["warehouse"],
        "SELECT attainment, status FROM marts.scorecard_indicator WHERE period_month = ? "
        "AND entity_level = 'manager' AND entity_id = 'M1' AND indicator_code = 'RISK_NPL_RATIO'",
        [APRIL],
    )
    assert npl == [(approx(1.0), "ok")]
    assert fraction["DATA_VERIFIED_MEMBER_RATE"] == approx(1.0)  # threshold, exactly at 0.625
    assert fraction["RISK_TOP1_CONCENTRATION"] == approx(0.0)  # threshold (lower): 0.67 > 0.25
    assert fraction["ACT_ENGAGEMENT_PER_MEMBER"] == approx(math.log(5) / math.log(21))  # log_capped, T 20
    assert fraction["BRAND_REACH_PER_CONTENT"] == approx(1.0)  # log_capped above T: ln 4 / ln 4
    assert fraction["BRAND_NPS"] == approx(0.0)  # percentile: M1 (25) below M2 (100) in branch B1
    m2 = indicators(scored["warehouse"], "manager", "M2")
    assert m2["BRAND_NPS"]["fraction"] == approx(1.0)


def test_na_reweights_inside_the_dimension_and_across_dimensions(scored: dict) -> None:
    w = scored["warehouse"]
    m1 = indicators(w, "manager", "M1")
    # risk 20 points: RISK_EARLY_DELINQ (6) is n/a, so NPL 10 and TOP1 4 share 20
    assert m1["RISK_EARLY_DELINQ"]["effective_weight"] == 0
    assert m1["RISK_NPL_RATIO"]["effective_weight"] == approx(10 * 20 / 14)
    assert m1["RISK_TOP1_CONCENTRATION"]["effective_weight"] == approx(4 * 20 / 14)
    # M4: no loans (risk n/a) and no survey or content (brand n/a): 75 applicable points scale to 100
    m4 = indicators(w, "manager", "M4")
    assert m4["CONV_DISBURSED_AMOUNT"]["effective_weight"] == approx(10 * 30 / 10 * 100 / 75)
    assert m4["ACQ_NEW_VERIFIED"]["effective_weight"] == approx(8 * 20 / 14 * 100 / 75)
    assert sum(r["effective_weight"] for r in m4.values()) == approx(100)
    assert sum(r["effective_weight"] for r in m1.values()) == approx(100)


def test_final_score_bonus_penalties_grade_exactly_on_a_boundary(scored: dict) -> None:
    c = card(scored["warehouse"], "manager", "M1")
    acquisition = 8 * 1 + 6 * 0.8 + 6 * 0.5
    activity = 6 * 0.9 + 4 * 0.5 + 4 * math.log(5) / math.log(21) + 3 * 0.7 + 3 * 0.6
    conversion = 6 * (2 / 3) + 6 * 0.5 + 10 * 1 + 4 * 0.4 + 4 * 0.5
    risk = 10 * 20 / 14 * 1 + 4 * 20 / 14 * 0
    brand = 3 * 0 + 2 * 1
    data = 3 * 1 + 2 * (2 / 3)
    base = acquisition + activity + conversion + risk + brand + data
    assert c["base"] == approx(base)
    assert c["acquisition"] == approx(acquisition)
    # every indicator whose fraction exceeds 1 earns weight x (fraction - 1), bounded by its cap:
    # ACQ_NEW_VERIFIED 3 of target 2 -> 1.2 (8 x 0.2) and CONV_DISBURSED_AMOUNT at 130 % -> 1.2 (10 x 0.2)
    m1 = indicators(scored["warehouse"], "manager", "M1")
    assert m1["ACQ_NEW_VERIFIED"]["bonus"] == approx(8 * 0.2)
    assert m1["CONV_DISBURSED_AMOUNT"]["bonus"] == approx(10 * 0.2)
    assert {code for code, row in m1.items() if row["bonus"]} == {"ACQ_NEW_VERIFIED", "CONV_DISBURSED_AMOUNT"}
    assert c["bonus"] == approx(8 * 0.2 + 10 * 0.2)
    assert c["penalty"] == approx(2 + 5)  # a minor compliance event and the anti-gaming major penalty
    assert c["final"] == round(base + 3.6 - 7, 4) == 67.0336
    assert (c["grade"], c["multiplier"], c["veto"]) == ("B", 1.0, False)  # B starts at 67.0336 in v2


def test_vetoes_from_each_cause_with_reasons(scored: dict) -> None:
    w = scored["warehouse"]
    m2 = card(w, "manager", "M2")
    assert m2["veto"] and "RISK_NPL_RATIO" in m2["veto_reason"] and "red line 0.05" in m2["veto_reason"]
    assert (m2["final"], m2["grade"], m2["multiplier"]) == (0, "D", 0)
    m4 = card(w, "manager", "M4")
    assert m4["veto"] and "CE2" in m4["veto_reason"] and "critical" in m4["veto_reason"]
    # M4 was in T2 when the critical event happened: T2 is vetoed, T1 is not
    t2 = card(w, "team", "T2")
    assert t2["veto"] and "CE2" in t2["veto_reason"] and "RISK_NPL_RATIO" in t2["veto_reason"]
    assert not card(w, "team", "T1")["veto"]
    b1 = card(w, "branch", "B1")
    assert b1["penalty"] == approx(2 + 5 + 10)  # the branch pays 10 for the critical event, no veto from it
    # but its own NPL ratio vetoes, against B1's own red line 0.3 (the template's override)
    assert b1["veto"] and b1["veto_reason"].startswith("RISK_NPL_RATIO 0.4 above red line 0.3")
    # T2's NPL ratio 1.0 is read against the default red line
    assert "RISK_NPL_RATIO 1.0 above red line 0.05" in t2["veto_reason"]


def test_penalties_roll_up_and_adjustments_name_their_events(scored: dict) -> None:
    w = scored["warehouse"]
    rows = query(
        w,
        "SELECT entity_level, entity_id, source, reference, penalty_points, is_veto "
        "FROM marts.scorecard_adjustment WHERE period_month = ? ORDER BY 1, 2, 3, 4",
        [APRIL],
    )
    assert ("manager", "M1", "anti_gaming", "anti-gaming", 5.0, False) in rows
    assert ("manager", "M1", "compliance", "CE1", 2.0, False) in rows
    assert ("team", "T1", "compliance", "CE1", 2.0, False) in rows
    assert ("branch", "B1", "compliance", "CE2", 10.0, False) in rows
    assert ("team", "T2", "compliance", "CE2", 0.0, True) in rows
    inflation = query(
        w,
        "SELECT excluded_member_days, excluded_events, events FROM marts.scorecard_suspected_inflation "
        "WHERE period_month = ? AND entity_level = 'manager' AND entity_id = 'M1'",
        [APRIL],
    )
    assert inflation == [(1, 201, 212)]


def test_ranks_share_ties_and_peer_groups_follow_the_template(scored: dict) -> None:
    w = scored["warehouse"]
    ranks = {
        e: (card(w, "manager", e)["rank"], card(w, "manager", e)["percentile"]) for e in ("M1", "M2", "M4")
    }
    assert ranks["M1"] == (1, approx(100.0))
    assert ranks["M2"] == ranks["M4"] == (2, approx(200 / 3))  # both vetoed to 0: a tie
    assert card(w, "manager", "M3")["peer_group"] == "branch:B2"
    assert card(w, "branch", "B1")["peer_group"] == "size:small"  # fewer than 500 members


def test_targets_bands_and_red_lines_take_entity_overrides(scored: dict) -> None:
    w = scored["warehouse"]
    assert indicators(w, "branch", "B2")["ACQ_NEW_VERIFIED"]["target"] == 4
    assert indicators(w, "branch", "B1")["ACQ_NEW_VERIFIED"]["target"] == 2
    # M3: U40 active, 1 of 1. Default v2 bands reach 0.8 -> 1.0; M3's own bands reach 1.0 -> 0.5
    m3 = indicators(w, "manager", "M3")
    assert (m3["ACT_MONTHLY_ACTIVE_RATE"]["value"], m3["ACT_MONTHLY_ACTIVE_RATE"]["fraction"]) == (1.0, 0.5)
    assert indicators(w, "manager", "M5")["ACT_MONTHLY_ACTIVE_RATE"]["fraction"] == 1.0  # 2 of 2, defaults
    red_lines = dict(
        query(
            w,
            "SELECT entity_id, red_line FROM marts.scorecard_indicator WHERE period_month = ? "
            "AND indicator_code = 'RISK_NPL_RATIO' AND entity_id IN ('B1', 'B2', 'T1')",
            [APRIL],
        )
    )
    assert red_lines == {"B1": 0.3, "B2": 0.05, "T1": 0.05}


def test_the_version_in_force_switches_between_months(scored: dict) -> None:
    w = scored["warehouse"]
    versions = dict(
        query(w, "SELECT period_month, template_version FROM marts.scorecard WHERE entity_id = 'M1'")
    )
    assert {str(k)[:7]: v for k, v in versions.items()} == {
        "2025-01": "v1",
        "2025-02": "v1",
        "2025-03": "v1",
        "2025-04": "v2",
        "2025-05": "v2",
    }
    assert indicators(w, "manager", "M1", "2025-03-01")["ACQ_NEW_VERIFIED"]["target"] == 10  # v1's target
    # months before the first version's effective_from are not scored
    assert query(w, "SELECT count(*) FROM marts.scorecard WHERE period_month < '2025-01-01'") == [(0,)]


def test_every_entity_is_scored_once_with_every_indicator(scored: dict) -> None:
    w = scored["warehouse"]
    assert query(
        w,
        "SELECT count(*) FROM (SELECT period_month, entity_level, entity_id FROM marts.scorecard "
        "GROUP BY ALL HAVING count(*) > 1)",
    ) == [(0,)]
    assert query(
        w,
        "SELECT DISTINCT n FROM (SELECT count(*) AS n FROM marts.scorecard_indicator GROUP BY "
        "period_month, entity_level, entity_id)",
    ) == [(20,)]
    entities = query(
        w,
        "SELECT entity_level, count(*) FROM marts.scorecard WHERE period_month = ? GROUP BY 1 ORDER BY 1",
        [APRIL],
    )
    assert entities == [("branch", 2), ("manager", 5), ("team", 4)]


# --------------------------------------------------------------------------- commands


def test_explain_prints_the_whole_scorecard(scored: dict) -> None:
    done = scorecard_cli(["explain", "--month", "2025-04", "--entity", "manager:M1"], scored)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for text in (
        "ACT_FIRST_RESPONSE_MIN",
        "RISK_EARLY_DELINQ",
        "n/a",
        "compliance event CE1",
        "anti-gaming: 201 of 212",
        "final score 67.0336",
        "grade B",
        "rank 1 of 3",
        # the figures are labelled: E104 (10,080), E105 (30) and E108 (45 minutes) have median 45
        "median 45 of 3 observations",
        # n/a says why (its denominator counts nothing)
        "n/a: no attributed loans disbursed 6-12 months",
    ):
        assert text in out, text
    # every n/a row of the marts carries its reason, and only n/a rows do
    assert query(
        scored["warehouse"],
        "SELECT count(*) FROM marts.scorecard_indicator WHERE (status = 'n/a') <> (na_reason IS NOT NULL)",
    ) == [(0,)]
    unknown = scorecard_cli(["explain", "--month", "2025-04", "--entity", "manager:NOPE"], scored)
    assert unknown.returncode == 1 and "no scorecard for manager NOPE" in unknown.stdout


def test_whatif_scores_a_candidate_version_without_touching_the_marts(scored: dict) -> None:
    candidate = scored["templates"] / "v3"
    shutil.copytree(scored["templates"] / "v2", candidate)
    (candidate / "template.csv").write_text(
        "template_version,effective_from,status,description\nv3,2025-06,candidate,stricter grades\n",
        encoding="utf-8",
    )
    (candidate / "grades.csv").write_text(
        "grade,min_score,incentive_multiplier\nA,90,1.2\nB,70,1.0\nC,60,0.8\nD,0,0.5\n", encoding="utf-8"
    )
    try:
        done = scorecard_cli(["whatif", "--month", "2025-04", "--template", "v3"], scored)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        # dbt's log goes to a file, as in `scorecard run`; the terminal shows the comparison
        assert "Running with dbt" not in done.stdout + done.stderr
        assert "START sql" not in done.stdout + done.stderr
        (log_line,) = [line for line in done.stdout.splitlines() if line.startswith("dbt's log: ")]
        assert "Running with dbt" in Path(log_line.removeprefix("dbt's log: ").split(" (")[0]).read_text()
        w = scored["warehouse"]
        assert query(
            w,
            "SELECT current_version, candidate_version, current_score, candidate_score, current_grade, "
            "candidate_grade FROM analytics.whatif_comparison WHERE entity_id = 'M1' "
            "AND candidate_version = 'v3'",
        ) == [("v2", "v3", 67.0336, 67.0336, "B", "C")]
        assert card(w, "manager", "M1")["grade"] == "B"  # the provisional marts are untouched
        assert query(w, "SELECT DISTINCT template_version FROM whatif.scorecard") == [("v3",)]
    finally:
        shutil.rmtree(candidate)


def test_a_broken_template_stops_the_run_and_changes_nothing(scored: dict, tmp_path: Path) -> None:
    """A template edited wrong, on a copy of the scored warehouse: the template step fails naming
    file, row and field, scoring is skipped, and the template tables and scores stay as they were
    (the master-data dbt set never depends on the template: test_definitions)."""
    templates, warehouse = tmp_path / "templates", tmp_path / "warehouse.duckdb"
    shutil.copytree(scored["templates"], templates)
    shutil.copy(scored["warehouse"], warehouse)
    indicators_csv = templates / "v2" / "indicators.csv"
    indicators_csv.write_text(
        indicators_csv.read_text(encoding="utf-8").replace(",banded,6", ",banded,7", 1), encoding="utf-8"
    )
    state = (
        "SELECT (SELECT sum(weight) FROM reference.template_indicators), "
        "(SELECT sum(final_score) FROM marts.scorecard), (SELECT count(*) FROM marts.scorecard)"
    )
    before = query(warehouse, state)
    result = materialize_all(
        run_settings(scored["landing"], warehouse, "2025-01", templates_dir=templates, column_lineage=False),
        "2025-01",
        "2025-05",
        selection=TEMPLATE_AND_SCORES,
    )

    assert not result.success
    failures = failure_messages(result)
    assert (
        "v2/indicators.csv, row 21, field weight: weights of role community_operator add up to 101"
        in (failures["scorecard_template"])
    )
    assert "dbt_monthly" not in {e.step_key for e in result.get_step_success_events()}
    assert query(warehouse, state) == before


def test_without_column_lineage_the_marts_still_carry_their_column_schemas_and_row_counts(
    scored: dict,
) -> None:
    """The `scored` run has column lineage off: the schemas come from one query of the warehouse
    (transform/metadata.relation_schemas), not from dbt's adapter, and match the table's columns."""
    materialized = {
        tuple(m.asset_key.path): m.materialization.metadata
        for m in scored["result"].get_asset_materialization_events()
    }
    scorecard = materialized[("marts", "scorecard")]
    assert "dagster/column_lineage" not in scorecard
    columns = [c.name for c in scorecard["dagster/column_schema"].schema.columns]
    assert columns == [
        name
        for (name,) in query(
            scored["warehouse"],
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' "
            "AND table_name = 'scorecard' ORDER BY ordinal_position",
        )
    ]
    assert {"final_score", "grade", "incentive_multiplier"} <= set(columns)
    assert (
        scorecard["dagster/row_count"].value
        == query(scored["warehouse"], "SELECT count(*) FROM marts.scorecard")[0][0]
    )
