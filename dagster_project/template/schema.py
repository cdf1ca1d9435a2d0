"""What a template version holds: its sections, their fields, and the vocabularies they use.

Adding a column to a template file is adding a :class:`Field` here; the reader, the validator
and the writer of ``reference.template_<section>`` follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dagster_project.ingest.feeds import ROLES

METHODS = {
    "ratio_to_target": {"cap"},
    "inverse_ratio": {"cap"},
    "banded": set(),
    "inverse_banded": set(),
    "threshold": {"threshold"},
    "log_capped": set(),
    "percentile": set(),
}
OPTIONAL_PARAMS = {"red_line"}
DIMENSIONS = ("acquisition", "activity", "conversion", "risk", "brand", "data")
ENTITY_LEVELS = ("manager", "team", "branch")
SEVERITIES = ("minor", "major", "critical")
REQUIRED_PARAMETERS = {
    "anti_gaming_daily_event_limit": "number",
    "anti_gaming_excluded_share": "number",
    "anti_gaming_penalty_severity": "severity",
    "first_response_cap_minutes": "number",
}
#: The role whose indicator set scores teams and branches (their pooled data), and every
#: community owner under ``managers_scored = community_owners`` (int_scorecard_entities).
POOLED_ROLE = "community_operator"
#: Parameters a version may leave out: name → (allowed values, the default when absent).
OPTIONAL_PARAMETERS = {
    # community_owners (v1): every community owner is scored, as community_operator;
    # by_role (v2): every manager under the role of the history row in force on the last day
    "managers_scored": (("community_owners", "by_role"), "community_owners"),
}
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text | number | bool | month
    required: bool = True
    choices: tuple[str, ...] | None = None
    #: value of a blank cell; a column with a default may also be left out of the header
    default: str | None = None


#: Rows of method_params.csv and bands.csv apply to every entity unless they name one (spec:
#: "targets, bands and red lines ... may be overridden per entity").
ENTITY_SCOPE = (
    Field("entity_level", required=False, choices=(*ENTITY_LEVELS, "*"), default="*"),
    Field("entity_id", required=False, default="*"),
)


@dataclass(frozen=True)
class Section:
    name: str
    fields: tuple[Field, ...]
    sql_types: dict[str, str] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"


SECTIONS: tuple[Section, ...] = (
    Section(
        "template",
        (
            Field("template_version"),
            Field("effective_from", "month"),
            Field("status", choices=("active", "candidate")),
            Field("description", required=False),
        ),
    ),
    Section(
        "indicators",
        (
            Field("role", choices=ROLES),
            Field("indicator_code"),
            Field("dimension", choices=DIMENSIONS),
            Field("name_zh"),
            Field("name_en"),
            Field("direction", choices=("higher", "lower")),
            Field("method", choices=tuple(METHODS)),
            Field("weight", "number"),
        ),
    ),
    Section(
        "method_params", (Field("indicator_code"), Field("param"), Field("value", "number"), *ENTITY_SCOPE)
    ),
    Section(
        "bands",
        (Field("indicator_code"), Field("threshold", "number"), Field("fraction", "number"), *ENTITY_SCOPE),
    ),
    Section(
        "targets",
        (
            Field("indicator_code"),
            Field("entity_level", choices=ENTITY_LEVELS),
            Field("entity_id"),
            Field("target", "number"),
        ),
    ),
    Section(
        "grades",
        (Field("grade"), Field("min_score", "number"), Field("incentive_multiplier", "number")),
    ),
    Section(
        "penalties",
        (
            Field("severity", choices=SEVERITIES),
            Field("manager_points", "number"),
            Field("team_points", "number"),
            Field("branch_points", "number"),
            Field("vetoes_manager", "bool"),
            Field("vetoes_team", "bool"),
            Field("vetoes_branch", "bool"),
        ),
    ),
    Section(
        "peer_groups",
        (
            Field("entity_level", choices=ENTITY_LEVELS),
            Field("grouping", choices=("branch", "branch_role", "size_band")),
            Field("band_code", required=False),
            Field("min_members", "number", required=False),
            Field("max_members", "number", required=False),
        ),
    ),
    Section("parameters", (Field("parameter"), Field("value"))),
)
SQL_TYPES = {"text": "VARCHAR", "number": "DOUBLE", "bool": "BOOLEAN", "month": "DATE"}
