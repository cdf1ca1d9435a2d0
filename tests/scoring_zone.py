"""A hand-made landing zone and test template whose April 2025 scorecards are worked out by hand.

Organisation: branch B1 (teams T1, T2) and B2 (team T3). Managers M1 (T1), M2 (T2), M3 (T3) and
M4, who moves from T1 to T2 on 2025-04-16. Communities K1, K2 (owner M1), K3 (M2), K4 (M4),
K5 (M3). Team T4 (M5, whose history starts only on 2025-04-10, owner of K6) is B1's until the
teams delivery of 2025-04-20 moves it to B2. Every number the tests expect is derived in
comments next to the rows that cause it, and in tests/integration/test_scorecard.py.

The other roles (template v2's role sets, tests/integration/test_roles.py), who own no
community and so change nothing under the community-owner templates: content planners P1 (T1,
author of CT1 and CT3) and P2 (T2, author of CT2); customer-service S1 (T1, staff account SS1 in
K1 and K2) and S2 (T2, account SS2 in K2, which answers nothing); relationship manager RM1 (T1,
handles every lead); data analyst A1 (T1); X1 (T1), an operator until 2025-04-30 and a content
planner from that day; Y1 (T2, customer service) whose only row ends on 2025-04-20 and who runs
no account; Z1 (T1, data analyst) whose first row starts in May.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from dagster_project.settings import DEFAULT_TEMPLATES_DIR
from tests.conftest import write_delivery


def _client(cid: str, segment: str, tier: str, branch: str = "B1", since: str = "2024-01-01") -> dict:
    return {
        "client_id": cid,
        "client_name": f"{cid} 公司",
        "uscc": f"9131{cid:0>14}",
        "industry": "x",
        "segment": segment,
        "size": "small",
        "tier": tier,
        "branch_id": branch,
        "tier_valid_from": since,
    }


CLIENTS = {
    "C1": _client("C1", "manufacturing", "core"),
    "C2": _client("C2", "general", "ordinary"),
    "C3": _client("C3", "general", "ordinary"),
    "C4": _client("C4", "green", "ordinary"),
    "C5": _client("C5", "general", "strategic"),
    "C6": _client("C6", "general", "ordinary"),
    "C7": _client("C7", "tech_sme", "core"),
    "C8": _client("C8", "general", "core"),  # becomes ordinary on 2025-04-10
    "C9": _client("C9", "general", "ordinary"),  # becomes core on 2025-04-01
    "C10": _client("C10", "general", "strategic", branch="B2"),
    "C11": _client("C11", "general", "ordinary"),
    "C12": _client("C12", "general", "ordinary"),
}


def _membership(
    mid: str,
    community: str,
    member: str,
    client: str | None,
    joined: str,
    left: str | None = None,
    staff_manager: str | None = None,
) -> dict:
    return {
        "membership_id": mid,
        "community_id": community,
        "member_id": member,
        "client_id": client,
        "is_staff": "true" if staff_manager else "false",
        "display_name": "某人",
        "phone": "13900000000",
        "joined_at": joined,
        "left_at": left,
        "staff_manager_id": staff_manager,
    }


MEMBERSHIPS = [
    _membership("MS1", "K1", "U1", "C1", "2025-04-05T10:00:00"),  # new verified client C1 (target segment)
    _membership("MS2", "K2", "U2", "C2", "2025-04-10T07:00:00"),  # new verified client C2 (general)
    _membership("MS3", "K1", "U3", "C3", "2025-04-12T10:00:00"),  # not new: C3 already in K2 since 2024-12
    _membership("MS3b", "K2", "U3", "C3", "2024-12-01T10:00:00"),
    _membership(
        "MS4", "K1", "U4", "C4", "2025-04-20T10:00:00"
    ),  # new: C4's old spell ended > 365 days before
    _membership("MS4old", "K1", "U4", "C4", "2024-01-10T10:00:00", left="2024-02-01T10:00:00"),
    _membership("MS5", "K1", "U5", "C99", "2025-04-02T09:00:00"),  # unknown client: unverified
    _membership("MS6", "K2", "U6", None, "2025-03-10T10:00:00"),  # March cohort, active in April
    _membership("MS7", "K2", "U7", None, "2025-03-15T10:00:00"),  # March cohort, silent in April
    _membership("MS8", "K1", "U8", "C5", "2024-06-01T10:00:00"),  # covers key client C5
    _membership(
        "MS9", "K1", "U9", "C6", "2024-06-01T10:00:00", left="2025-04-25T10:00:00"
    ),  # gone at period end
    _membership("MS11", "K1", "U11", "C11", "2024-12-01T10:00:00", left="2025-01-31T10:00:00"),  # L3's touch
    _membership("MS20", "K4", "U20", None, "2024-06-01T10:00:00"),
    _membership("MS21", "K4", "U21", None, "2024-06-01T10:00:00"),
    _membership("MS30", "K3", "U30", "C9", "2024-06-01T10:00:00"),  # covers key client C9 for M2 / B1
    _membership("MS40", "K5", "U40", "C10", "2024-06-01T10:00:00"),
    _membership("MS50", "K6", "U50", None, "2024-06-01T10:00:00"),
    _membership("MS51", "K6", "U51", None, "2024-06-01T10:00:00"),
    _membership("MSS1a", "K1", "SS1", None, "2024-01-01T10:00:00", staff_manager="S1"),
    _membership("MSS1b", "K2", "SS1", None, "2024-01-01T10:00:00", staff_manager="S1"),
    _membership("MSSM1", "K1", "SM1", None, "2024-01-01T10:00:00", staff_manager="M1"),
    _membership("MSS2", "K2", "SS2", None, "2024-01-01T10:00:00", staff_manager="S2"),  # never answers
]


def _event(
    eid: str,
    at: str,
    community: str,
    member: str,
    kind: str,
    content: str | None = None,
    reply_to: str | None = None,
) -> dict:
    return {
        "event_id": eid,
        "occurred_at": at,
        "community_id": community,
        "member_id": member,
        "event_type": kind,
        "content_id": content,
        "reply_to_event_id": reply_to,
    }


EVENTS = [
    _event("E010", "2025-01-05T10:00:00", "K3", "U11", "message"),  # L3 touches K3 after K1
    _event("E050", "2025-03-20T10:00:00", "K1", "U8", "message"),
    _event("E101", "2025-04-02T12:00:00", "K1", "U5", "share", content="CT1"),  # weight 6, reach 5
    _event("E102", "2025-04-05T10:30:00", "K1", "U1", "message"),  # 3
    _event("E103", "2025-04-05T10:40:00", "K1", "U1", "reaction"),  # 1
    _event("E104", "2025-04-06T09:00:00", "K1", "U1", "question"),  # 6; never answered: 10,080 min
    _event("E105", "2025-04-10T08:00:00", "K2", "U2", "question"),  # 6; answered after 30 min
    _event("E106", "2025-04-10T08:30:00", "K2", "SS1", "answer", reply_to="E105"),
    _event("E107", "2025-04-10T12:00:00", "K2", "U6", "message"),  # 3
    _event("E108", "2025-04-11T10:00:00", "K2", "U6", "question"),  # 6; answered after 45 min
    _event("E109", "2025-04-11T10:45:00", "K2", "SS1", "answer", reply_to="E108"),
    _event("E110", "2025-04-20T15:00:00", "K1", "U8", "content_view", content="CT1"),  # 1, reach 1
    _event("E111", "2025-04-21T09:00:00", "K2", "SS1", "content_view", content="CT2"),  # staff: not reach
    _event("E120", "2025-04-10T11:00:00", "K4", "U20", "message"),  # K4 still in T1 (M4 moves 04-16)
    _event("E121", "2025-04-20T11:00:00", "K4", "U21", "message"),  # K4 now in T2
    _event("E130", "2025-04-12T11:00:00", "K3", "U30", "message"),
    _event("E140", "2025-04-15T11:00:00", "K5", "U40", "message"),
    # K6 (owner M5, team T4): 04-05 is before M5's first history row (04-10): M5, T4 and T4's
    # branch then (B1); on 04-12 T4 is still B1's; on 04-25 (after the teams delivery of 04-20) B2's
    _event("E150", "2025-04-05T11:00:00", "K6", "U50", "message"),  # 3
    _event("E151", "2025-04-12T11:00:00", "K6", "U51", "message"),  # 3
    _event("E152", "2025-04-25T11:00:00", "K6", "U51", "reaction"),  # 1
    # a bot day: 201 reactions by U3 on 04-15 (> 200) are excluded; 201 of M1's 212 events
    *[
        _event(f"EB{i:03d}", f"2025-04-15T10:{i // 60:02d}:{i % 60:02d}", "K1", "U3", "reaction")
        for i in range(201)
    ],
]

CONTENT = [
    {
        "content_id": "CT1",
        "community_id": "K1",
        "author_manager_id": "P1",
        "content_type": "industry_news",
        "published_at": "2025-04-01T09:00:00",
        "title": "行业资讯",
    },
    {
        "content_id": "CT2",
        "community_id": "K2",
        "author_manager_id": "P2",
        "content_type": "policy_interpretation",
        "published_at": "2025-04-03T09:00:00",
        "title": "政策解读",
    },
    {
        "content_id": "CT3",
        "community_id": "K1",
        "author_manager_id": "P1",
        "content_type": "finance_knowledge",
        "published_at": "2025-03-20T09:00:00",
        "title": "金融知识",
    },
]

SURVEYS = [
    {
        "response_id": "R1",
        "community_id": "K1",
        "member_id": "U1",
        "submitted_at": "2025-04-25T10:00:00",
        "score": 10,
    },
    {
        "response_id": "R2",
        "community_id": "K2",
        "member_id": "U2",
        "submitted_at": "2025-04-25T10:00:00",
        "score": 9,
    },
    {
        "response_id": "R3",
        "community_id": "K2",
        "member_id": "U6",
        "submitted_at": "2025-04-25T10:00:00",
        "score": 5,
    },
    {
        "response_id": "R4",
        "community_id": "K1",
        "member_id": "U8",
        "submitted_at": "2025-04-25T10:00:00",
        "score": 7,
    },
    {
        "response_id": "R5",
        "community_id": "K1",
        "member_id": "SS1",
        "submitted_at": "2025-04-25T10:00:00",
        "score": 10,
        "comment": "员工自评",
    },  # staff: not counted
    {
        "response_id": "R6",
        "community_id": "K3",
        "member_id": "U30",
        "submitted_at": "2025-04-25T10:00:00",
        "score": 10,
    },
]


def _lead(lid: str, client: str, created: str, source: str | None) -> dict:
    return {
        "lead_id": lid,
        "client_id": client,
        "created_at": created,
        "source_channel": "community",
        "source_community_id": source,
        "manager_id": "RM1",
        "product": "term_loan",
        "requested_amount": "1000000",
    }


LEADS = [
    _lead("L1", "C1", "2025-01-10T10:00:00", "K1"),
    _lead("L2", "C2", "2025-01-20T10:00:00", "K2"),
    _lead("L3", "C11", "2025-01-25T10:00:00", None),  # touched K1 (join 12-01) then K3 (event 01-05): 50/50
    _lead("L4", "C12", "2025-03-01T10:00:00", "K2"),
    _lead("L5", "C4", "2025-03-10T10:00:00", "K1"),
    _lead("L6", "C5", "2025-02-01T10:00:00", "K1"),
    _lead("L7", "C3", "2024-03-01T10:00:00", "K3"),
    _lead("L8", "C6", "2024-05-01T10:00:00", "K3"),
    _lead("L9", "C7", "2025-02-01T10:00:00", "K3"),
]


def _application(
    aid: str,
    lead: str,
    client: str,
    submitted: str,
    amount: str,
    decision: str | None = None,
    decided: str | None = None,
) -> dict:
    return {
        "application_id": aid,
        "lead_id": lead,
        "client_id": client,
        "submitted_at": submitted,
        "amount": amount,
        "product": "term_loan",
        "decision": decision,
        "decided_at": decided,
        "approved_amount": amount if decision == "approved" else None,
    }


APPLICATIONS = [
    _application("A1", "L1", "C1", "2025-02-01T10:00:00", "1000000", "approved", "2025-04-05T10:00:00"),
    _application("A2", "L4", "C12", "2025-03-05T10:00:00", "200000", "rejected", "2025-04-08T10:00:00"),
    _application("A3", "L3", "C11", "2025-05-10T10:00:00", "300000"),  # 105 days after L3: too late
    _application("A5", "L5", "C4", "2025-03-12T10:00:00", "800000", "approved", "2025-04-28T10:00:00"),
    _application("A6", "L6", "C5", "2025-02-10T10:00:00", "500000", "approved", "2025-03-01T10:00:00"),
    _application("A7", "L7", "C3", "2024-03-05T10:00:00", "500000", "approved", "2024-03-20T10:00:00"),
    _application("A8", "L8", "C6", "2024-05-05T10:00:00", "300000", "approved", "2024-05-20T10:00:00"),
    _application("A9", "L9", "C7", "2025-02-05T10:00:00", "1000000", "approved", "2025-02-20T10:00:00"),
]

DISBURSEMENTS = [
    {
        "disbursement_id": "D1",
        "application_id": "A1",
        "loan_id": "LN1",
        "disbursed_at": "2025-04-20T10:00:00",
        "amount": "1000000",
    },
    {
        "disbursement_id": "D5",
        "application_id": "A5",
        "loan_id": "LN5",
        "disbursed_at": "2025-05-03T10:00:00",
        "amount": "800000",
    },
    {
        "disbursement_id": "D6",
        "application_id": "A6",
        "loan_id": "LN6",
        "disbursed_at": "2025-04-02T10:00:00",
        "amount": "500000",
    },
    {
        "disbursement_id": "D7",
        "application_id": "A7",
        "loan_id": "LN7",
        "disbursed_at": "2024-06-15T10:00:00",
        "amount": "500000",
    },
    {
        "disbursement_id": "D8",
        "application_id": "A8",
        "loan_id": "LN8",
        "disbursed_at": "2024-08-01T10:00:00",
        "amount": "300000",
    },
    {
        "disbursement_id": "D9",
        "application_id": "A9",
        "loan_id": "LN9",
        "disbursed_at": "2025-03-01T10:00:00",
        "amount": "1000000",
    },
]


def _snapshot(day: str, loan: str, balance: str, dpd: int, classification: str) -> dict:
    return {
        "snapshot_date": day,
        "loan_id": loan,
        "outstanding_balance": balance,
        "days_past_due": dpd,
        "classification": classification,
    }


SNAPSHOTS = [
    _snapshot("2024-09-30", "LN7", "480000", 35, "substandard"),  # 30+ dpd within 6 months on book
    _snapshot("2024-12-31", "LN8", "290000", 0, "normal"),
    _snapshot("2025-03-31", "LN8", "280000", 40, "special_mention"),  # 30+ dpd, but after 6 months on book
    _snapshot("2025-04-30", "LN1", "1000000", 0, "normal"),
    _snapshot("2025-04-30", "LN6", "500000", 10, "special_mention"),
    _snapshot("2025-04-30", "LN9", "1000000", 120, "doubtful"),  # M2's only loan: NPL ratio 1.0, veto
]

COMPLIANCE = [
    {
        "compliance_event_id": "CE1",
        "occurred_on": "2025-04-03",
        "manager_id": "M1",
        "branch_id": "B1",
        "severity": "minor",
        "category": "营销宣传不当",
        "description": "—",
    },
    {
        "compliance_event_id": "CE2",
        "occurred_on": "2025-04-20",
        "manager_id": "M4",
        "branch_id": "B1",
        "severity": "critical",
        "category": "不当承诺",
        "description": "—",
    },  # M4 is in T2 by then
]


def _manager(mid: str, team: str, role: str, since: str, until: str | None = None) -> dict:
    return {
        "manager_id": mid,
        "name": "某",
        "team_id": team,
        "role": role,
        "valid_from": since,
        "valid_to": until,
    }


ROLE_MANAGERS = [
    _manager("P1", "T1", "content_planner", "2024-01-01"),
    _manager("P2", "T2", "content_planner", "2024-01-01"),
    _manager("S2", "T2", "customer_service", "2024-01-01"),
    _manager("RM1", "T1", "relationship_manager", "2024-01-01"),
    _manager("A1", "T1", "data_analyst", "2024-01-01"),
    _manager("X1", "T1", "community_operator", "2024-01-01", until="2025-04-30"),
    _manager("X1", "T1", "content_planner", "2025-04-30"),
    _manager("Y1", "T2", "customer_service", "2024-01-01", until="2025-04-20"),
    _manager("Z1", "T1", "data_analyst", "2025-05-05"),
]


def write_scoring_zone(landing: Path) -> None:
    write_delivery(
        landing,
        "branches",
        "2025-01-01",
        [
            {"branch_id": "B1", "branch_name": "一分行", "region": "华东"},
            {"branch_id": "B2", "branch_name": "二分行", "region": "华南"},
        ],
    )
    write_delivery(
        landing,
        "teams",
        "2025-01-01",
        [
            {"team_id": "T1", "branch_id": "B1", "team_name": "一组"},
            {"team_id": "T2", "branch_id": "B1", "team_name": "二组"},
            {"team_id": "T3", "branch_id": "B2", "team_name": "三组"},
            {"team_id": "T4", "branch_id": "B1", "team_name": "四组"},
        ],
    )
    write_delivery(  # a full snapshot: T4 moves to B2 from 2025-04-20 on
        landing,
        "teams",
        "2025-04-20",
        [
            {"team_id": "T1", "branch_id": "B1", "team_name": "一组"},
            {"team_id": "T2", "branch_id": "B1", "team_name": "二组"},
            {"team_id": "T3", "branch_id": "B2", "team_name": "三组"},
            {"team_id": "T4", "branch_id": "B2", "team_name": "四组"},
        ],
    )
    base = [
        {
            "manager_id": "M1",
            "name": "甲",
            "team_id": "T1",
            "role": "community_operator",
            "valid_from": "2024-01-01",
        },
        {
            "manager_id": "M2",
            "name": "乙",
            "team_id": "T2",
            "role": "community_operator",
            "valid_from": "2024-01-01",
        },
        {
            "manager_id": "M3",
            "name": "丙",
            "team_id": "T3",
            "role": "community_operator",
            "valid_from": "2024-01-01",
        },
        {
            "manager_id": "S1",
            "name": "丁",
            "team_id": "T1",
            "role": "customer_service",
            "valid_from": "2024-01-01",
        },
        *ROLE_MANAGERS,
    ]
    write_delivery(
        landing,
        "managers",
        "2025-01-01",
        [
            *base,
            {
                "manager_id": "M4",
                "name": "戊",
                "team_id": "T1",
                "role": "community_operator",
                "valid_from": "2024-01-01",
            },
        ],
    )
    write_delivery(
        landing,
        "managers",
        "2025-04-16",
        [
            *base,
            {
                "manager_id": "M4",
                "name": "戊",
                "team_id": "T1",
                "role": "community_operator",
                "valid_from": "2024-01-01",
                "valid_to": "2025-04-16",
            },
            {
                "manager_id": "M4",
                "name": "戊",
                "team_id": "T2",
                "role": "community_operator",
                "valid_from": "2025-04-16",
            },
            {
                "manager_id": "M5",
                "name": "己",
                "team_id": "T4",
                "role": "community_operator",
                "valid_from": "2025-04-10",
            },
        ],
    )
    write_delivery(landing, "clients", "2025-01-01", list(CLIENTS.values()))
    changed = {
        **CLIENTS,
        "C8": {**CLIENTS["C8"], "tier": "ordinary", "tier_valid_from": "2025-04-10"},
        "C9": {**CLIENTS["C9"], "tier": "core", "tier_valid_from": "2025-04-01"},
    }
    write_delivery(landing, "clients", "2025-04-15", list(changed.values()))
    write_delivery(
        landing,
        "communities",
        "2025-01-01",
        [
            {
                "community_id": k,
                "community_name": k,
                "platform": "wecom_group",
                "branch_id": "B1",
                "owner_manager_id": m,
                "target_segment": "general",
                "created_at": "2024-01-01T00:00:00",
            }
            for k, m in (("K1", "M1"), ("K2", "M1"), ("K3", "M2"), ("K4", "M4"), ("K5", "M3"), ("K6", "M5"))
        ],
    )
    write_delivery(landing, "memberships", "2025-04-30", MEMBERSHIPS)
    by_day: dict[str, list[dict]] = {}
    for event in EVENTS:
        by_day.setdefault(event["occurred_at"][:10], []).append(event)
    for day, events in by_day.items():
        write_delivery(landing, "engagement_events", day, events)
    write_delivery(landing, "content", "2025-04-03", CONTENT)
    write_delivery(landing, "surveys", "2025-04-25", SURVEYS)
    write_delivery(landing, "leads", "2025-01-02", [lead for lead in LEADS if lead["created_at"] < "2025-03"])
    write_delivery(
        landing, "leads", "2025-03-10", [lead for lead in LEADS if lead["created_at"] >= "2025-03"]
    )
    write_delivery(landing, "applications", "2025-05-15", APPLICATIONS)
    write_delivery(landing, "disbursements", "2025-05-20", DISBURSEMENTS)
    write_delivery(landing, "loan_snapshots", "2025-05-01", SNAPSHOTS)
    write_delivery(landing, "compliance_events", "2025-04-30", COMPLIANCE)


# --------------------------------------------------------------------------- template v2 (April on)

V2_BANDS = {
    "ACQ_TARGET_SEGMENT_SHARE": [(0.3, 0.5), (0.5, 0.8), (0.7, 1.0)],
    "ACT_MONTHLY_ACTIVE_RATE": [(0.5, 0.6), (0.625, 0.9), (0.8, 1.0)],
    "ACT_STICKINESS": [(0.04, 0.5), (0.1, 1.0)],
    "ACT_RETENTION_M1": [(0.5, 0.7), (0.8, 1.0)],
    "ACT_FIRST_RESPONSE_MIN": [(30, 1.0), (45, 0.6), (120, 0.3)],
    "CONV_PULL_THROUGH": [(0.5, 0.5), (0.7, 1.0)],
    "CONV_TIME_TO_CASH_DAYS": [(30, 1.0), (60, 0.7), (90, 0.4)],
    "CONV_TARGET_INDUSTRY_SHARE": [(0.6, 0.5), (0.75, 1.0)],
    "RISK_EARLY_DELINQ": [(0.02, 1.0), (0.1, 0.5)],
}
V2_PARAMS = [
    ("ACQ_NEW_VERIFIED", "cap", 1.2),
    ("ACQ_KEY_TIER_COVERAGE", "cap", 1.0),
    ("CONV_LEAD_TO_APP", "cap", 1.2),
    ("CONV_DISBURSED_AMOUNT", "cap", 1.2),
    ("DATA_CONTENT_MIX", "cap", 1.0),
    ("RISK_NPL_RATIO", "cap", 1.0),
    ("RISK_NPL_RATIO", "red_line", 0.05),
    ("RISK_TOP1_CONCENTRATION", "threshold", 0.25),
    ("DATA_VERIFIED_MEMBER_RATE", "threshold", 0.625),
]
V2_TARGETS = {
    "ACQ_NEW_VERIFIED": 2,
    "ACQ_TARGET_SEGMENT_SHARE": 0.7,
    "ACQ_KEY_TIER_COVERAGE": 1.0,
    "ACT_MONTHLY_ACTIVE_RATE": 0.8,
    "ACT_STICKINESS": 0.1,
    "ACT_ENGAGEMENT_PER_MEMBER": 20,
    "ACT_RETENTION_M1": 0.8,
    "ACT_FIRST_RESPONSE_MIN": 30,
    "CONV_LEAD_TO_APP": 0.5,
    "CONV_PULL_THROUGH": 0.7,
    "CONV_DISBURSED_AMOUNT": 1_500_000,
    "CONV_TIME_TO_CASH_DAYS": 30,
    "CONV_TARGET_INDUSTRY_SHARE": 0.75,
    "RISK_NPL_RATIO": 0.01,
    "RISK_EARLY_DELINQ": 0.02,
    "RISK_TOP1_CONCENTRATION": 0.25,
    "BRAND_NPS": 50,
    "BRAND_REACH_PER_CONTENT": 2,
    "DATA_VERIFIED_MEMBER_RATE": 0.625,
    "DATA_CONTENT_MIX": 1,
}
#: Per-entity overrides (spec, end of "Dimensions"): M3's own bands for ACT_MONTHLY_ACTIVE_RATE,
#: and B1's own NPL red line.
V2_OWN_BANDS = [
    ("ACT_MONTHLY_ACTIVE_RATE", "manager", "M3", 0.5, 0.2),
    ("ACT_MONTHLY_ACTIVE_RATE", "manager", "M3", 1.0, 0.5),
]
V2_OWN_PARAMS = [("RISK_NPL_RATIO", "red_line", 0.3, "branch", "B1")]
#: M1's final score in April works out at 67.0336 (see the test): grade B starts exactly there.
V2_GRADES = [("A", 90, 1.2), ("B", 67.0336, 1.0), ("C", 60, 0.8), ("D", 0, 0.5)]


def _write_csv(path: Path, header: list[str], rows: list[tuple]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_test_templates(root: Path) -> Path:
    """v1 as shipped (in force from 2025-01) and a hand-tuned v2 in force from 2025-04."""
    shutil.copytree(DEFAULT_TEMPLATES_DIR / "v1", root / "v1")
    v2 = root / "v2"
    shutil.copytree(DEFAULT_TEMPLATES_DIR / "v1", v2)
    _write_csv(
        v2 / "template.csv",
        ["template_version", "effective_from", "status", "description"],
        [("v2", "2025-04", "active", "test template")],
    )
    with (DEFAULT_TEMPLATES_DIR / "v1" / "indicators.csv").open(encoding="utf-8") as handle:
        indicators = list(csv.DictReader(handle))
    methods = {"RISK_NPL_RATIO": "inverse_ratio", "BRAND_NPS": "percentile"}
    for row in indicators:
        row["method"] = methods.get(row["indicator_code"], row["method"])
    _write_csv(v2 / "indicators.csv", list(indicators[0]), [tuple(r.values()) for r in indicators])
    _write_csv(
        v2 / "method_params.csv",
        ["indicator_code", "param", "value", "entity_level", "entity_id"],
        [(*row, "*", "*") for row in V2_PARAMS] + V2_OWN_PARAMS,
    )
    _write_csv(
        v2 / "bands.csv",
        ["indicator_code", "threshold", "fraction", "entity_level", "entity_id"],
        [(code, t, f, "*", "*") for code, bands in V2_BANDS.items() for t, f in bands]
        + [(code, t, f, level, entity) for code, level, entity, t, f in V2_OWN_BANDS],
    )
    targets = [
        (code, level, "*", target)
        for code, target in V2_TARGETS.items()
        for level in ("manager", "team", "branch")
    ]
    targets.append(("ACQ_NEW_VERIFIED", "branch", "B2", 4))  # a per-entity override
    _write_csv(v2 / "targets.csv", ["indicator_code", "entity_level", "entity_id", "target"], targets)
    _write_csv(v2 / "grades.csv", ["grade", "min_score", "incentive_multiplier"], V2_GRADES)
    return root


# --------------------------------------------------------------------------- role sets (template v2)

#: The role indicators' targets, bands and parameters of the role templates the tests score with
#: (their weights and methods are the shipped v2's, i.e. the spec's table); written here so that
#: tuning the shipped v2 for the demo cannot move the numbers the tests work out by hand.
ROLE_TARGETS = {
    "CP_PIECES": 2,
    "CP_REACH_PER_CONTENT": 30,
    "CP_CLICK_THROUGH": 0.2,
    "CP_CONTENT_MIX": 1,
    "CP_AUDIENCE_REACH": 0.35,
    "CS_FIRST_RESPONSE_MIN": 30,
    "CS_ANSWER_SHARE": 0.6,
    "CS_ANSWERED_24H": 0.9,
    "CS_NPS": 50,
    "RM_LEAD_TO_APP": 0.5,
    "RM_PULL_THROUGH": 0.7,
    "RM_DISBURSED_AMOUNT": 1_500_000,
    "RM_NPL_RATIO": 0.01,
    "DA_VERIFIED_MEMBER_RATE": 0.9,
    "DA_NEW_MEMBER_LINK_RATE": 0.85,
    "DA_SURVEY_COVERAGE": 0.2,
}
ROLE_BANDS = {
    "CP_CLICK_THROUGH": [(0.05, 0.4), (0.1, 0.7), (0.2, 1.0)],
    "CP_AUDIENCE_REACH": [(0.1, 0.4), (0.2, 0.7), (0.35, 1.0)],
    "CS_FIRST_RESPONSE_MIN": [(30, 1.0), (120, 0.7), (480, 0.4)],
    "CS_ANSWER_SHARE": [(0.2, 0.4), (0.4, 0.7), (0.6, 1.0)],
    "CS_NPS": [(0, 0.4), (30, 0.7), (50, 1.0)],
    "RM_PULL_THROUGH": [(0.3, 0.4), (0.5, 0.7), (0.7, 1.0)],
    "RM_NPL_RATIO": [(0.01, 1.0), (0.02, 0.7), (0.05, 0.3)],
    "DA_VERIFIED_MEMBER_RATE": [(0.6, 0.4), (0.75, 0.7), (0.9, 1.0)],
    "DA_NEW_MEMBER_LINK_RATE": [(0.5, 0.4), (0.7, 0.7), (0.85, 1.0)],
    "DA_SURVEY_COVERAGE": [(0.05, 0.4), (0.1, 0.7), (0.2, 1.0)],
}
ROLE_PARAMS = [
    ("CP_PIECES", "cap", 1.2),
    ("CP_CONTENT_MIX", "cap", 1.0),
    ("CS_ANSWERED_24H", "cap", 1.0),
    ("RM_LEAD_TO_APP", "cap", 1.2),
    ("RM_DISBURSED_AMOUNT", "cap", 1.2),
    ("RM_NPL_RATIO", "red_line", 0.05),
]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_role_template(
    root: Path,
    version: str,
    status: str = "candidate",
    effective_from: str = "2025-06",
    reassigned: bool = False,
) -> Path:
    """The shipped v2 (managers by role, ranked within branch and role) as ``version``, with the
    role indicators' targets, bands and parameters above. ``reassigned``: CP_PIECES moves to the
    customer-service set and CS_NPS to the content planners' (same weights), a template change
    only."""
    folder = root / version
    shutil.copytree(DEFAULT_TEMPLATES_DIR / "v2", folder)
    _write_csv(
        folder / "template.csv",
        ["template_version", "effective_from", "status", "description"],
        [(version, effective_from, status, "test role template")],
    )
    roles = set(ROLE_TARGETS)
    targets = [r for r in _read_csv(folder / "targets.csv") if r["indicator_code"] not in roles]
    _write_csv(
        folder / "targets.csv",
        ["indicator_code", "entity_level", "entity_id", "target"],
        [tuple(r.values()) for r in targets]
        + [(code, "manager", "*", t) for code, t in ROLE_TARGETS.items()],
    )
    bands = [r for r in _read_csv(folder / "bands.csv") if r["indicator_code"] not in roles]
    _write_csv(
        folder / "bands.csv",
        ["indicator_code", "threshold", "fraction"],
        [tuple(r.values()) for r in bands]
        + [(code, t, f) for code, rows in ROLE_BANDS.items() for t, f in rows],
    )
    params = [r for r in _read_csv(folder / "method_params.csv") if r["indicator_code"] not in roles]
    _write_csv(
        folder / "method_params.csv",
        ["indicator_code", "param", "value"],
        [tuple(r.values()) for r in params] + ROLE_PARAMS,
    )
    if reassigned:
        indicators = _read_csv(folder / "indicators.csv")
        moved = {"CP_PIECES": "customer_service", "CS_NPS": "content_planner"}
        for row in indicators:
            row["role"] = moved.get(row["indicator_code"], row["role"])
        _write_csv(folder / "indicators.csv", list(indicators[0]), [tuple(r.values()) for r in indicators])
    return folder
