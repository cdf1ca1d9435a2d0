"""A minimal, hand-made organisation that hand-made landing zones build on."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_delivery

BRANCHES = [{"branch_id": "B1", "branch_name": "上海分行", "region": "华东"}]
TEAMS = [
    {"team_id": "T1", "branch_id": "B1", "team_name": "一组"},
    {"team_id": "T2", "branch_id": "B1", "team_name": "二组"},
]
MANAGERS = [
    {
        "manager_id": "M1",
        "name": "王伟",
        "team_id": "T1",
        "role": "community_operator",
        "valid_from": "2024-01-01",
    },
    {
        "manager_id": "M2",
        "name": "李娜",
        "team_id": "T2",
        "role": "community_operator",
        "valid_from": "2024-01-01",
    },
]
CLIENTS = [
    {
        "client_id": f"C{i}",
        "client_name": f"客户{i}有限公司",
        "uscc": f"91310000MA1FL{i:05d}",
        "industry": "制造",
        "segment": "manufacturing",
        "size": "small",
        "tier": "core",
        "branch_id": "B1",
        "tier_valid_from": "2024-01-01",
    }
    for i in range(1, 9)
]
COMMUNITIES = [
    {
        "community_id": f"K{i}",
        "community_name": f"社群{i}",
        "platform": "wecom_group",
        "branch_id": "B1",
        "owner_manager_id": "M1" if i % 2 else "M2",
        "target_segment": "manufacturing",
        "created_at": "2024-01-01T00:00:00",
    }
    for i in range(1, 6)
]


def write_master_data(landing: Path, day: str = "2025-01-01") -> None:
    write_delivery(landing, "branches", day, BRANCHES)
    write_delivery(landing, "teams", day, TEAMS)
    write_delivery(landing, "managers", day, MANAGERS)
    write_delivery(landing, "clients", day, CLIENTS)
    write_delivery(landing, "communities", day, COMMUNITIES)
