"""The what-if summary of grade movements per role (pure function)."""

from __future__ import annotations

from dagster_project.whatif import grade_movements


def _row(entity: str, now: str | None, then: str | None, role_now: str | None, role_then: str | None) -> dict:
    return {
        "entity_level": "manager",
        "entity_id": entity,
        "current_grade": now,
        "candidate_grade": then,
        "role_in_force": role_now,
        "candidate_role": role_then,
    }


def test_grade_movements_count_per_candidate_role() -> None:
    rows = [
        _row("M1", "B", "A", "community_operator", "community_operator"),  # up
        _row("M2", "C", "C", "community_operator", "community_operator"),  # same
        _row("M3", "A", "D", "community_operator", "content_planner"),  # down, counted as a planner
        _row("P1", None, "B", None, "content_planner"),  # not scored under v1: newly graded
        _row("Y1", None, None, None, "customer_service"),  # not scored under the candidate
        {**_row("T1", "B", "A", "community_operator", "community_operator"), "entity_level": "team"},
    ]
    assert grade_movements(rows) == [
        {"role": "community_operator", "managers": 2, "up": 1, "same": 1, "down": 0, "new": 0, "no grade": 0},
        {"role": "content_planner", "managers": 2, "up": 0, "same": 0, "down": 1, "new": 1, "no grade": 0},
        {"role": "customer_service", "managers": 1, "up": 0, "same": 0, "down": 0, "new": 0, "no grade": 1},
    ]
