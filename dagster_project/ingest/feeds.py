"""The data contract (``shared/spec/contract.md``) as data: every feed, its columns and rules.

Everything that loads, validates, generates or documents a feed reads it from here, so a
change of contract is a change of this one file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "timestamp", "date", "decimal", "integer", "boolean"]

#: DuckDB type a contract type is stored as in schema ``raw``. Timestamps are stored as the
#: bank's local wall-clock time (Asia/Shanghai); inputs carrying an offset are converted.
DUCKDB_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "decimal": "DECIMAL(18, 2)",
    "integer": "INTEGER",
    "boolean": "BOOLEAN",
}

SEGMENTS = ("tech_sme", "manufacturing", "green", "general")
ROLES = ("community_operator", "content_planner", "customer_service", "data_analyst", "relationship_manager")
PRODUCTS = ("project_finance", "working_capital", "term_loan", "trade_finance", "green_loan")


@dataclass(frozen=True)
class Column:
    """One contract column and the row-level rules it carries."""

    name: str
    type: ColumnType = "text"
    nullable: bool = False
    enum: tuple[str, ...] | None = None
    non_negative: bool = False
    value_range: tuple[float, float] | None = None
    pii: bool = False
    optional: bool = False  # may be absent from a file altogether (then loaded as null)


@dataclass(frozen=True)
class Feed:
    """One landing-zone feed: a folder of ``<name>_<YYYY-MM-DD>.<ext>`` deliveries."""

    name: str
    system: Literal["community", "credit", "master"]
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    partitioned: bool
    description: str
    #: column → (feed, column) that must exist already (a hard foreign key, contract.md)
    hard_fks: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: column → (feed, column) it should name, kept even when unknown and reported by the
    #: ``raw_soft_links`` check of this feed (a soft link, contract.md)
    soft_links: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: delivered one file a day: a closed month must have its last day's file (freshness)
    daily: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if not c.optional]

    @property
    def business_time(self) -> str | None:
        """The column whose local date places a row in its month (event-like feeds only)."""
        if not self.partitioned:
            return None
        return next(c.name for c in self.columns if c.type in ("timestamp", "date") and not c.nullable)

    @property
    def upstream_feeds(self) -> list[str]:
        """Feeds loaded before this one: its hard keys are checked, its soft links reported, against them."""
        links = [*self.hard_fks.values(), *self.soft_links.values()]
        return sorted({target for target, _ in links if target != self.name})


def _c(name: str, type_: ColumnType = "text", **kw: object) -> Column:
    return Column(name, type_, **kw)  # type: ignore[arg-type]


FEEDS: dict[str, Feed] = {
    f.name: f
    for f in (
        # ---- master data (full snapshots, history kept) ----
        Feed(
            "branches",
            "master",
            (_c("branch_id"), _c("branch_name"), _c("region")),
            key=("branch_id",),
            partitioned=False,
            description="Bank branches (HR/CRM master data, full snapshot per delivery).",
        ),
        Feed(
            "teams",
            "master",
            (_c("team_id"), _c("branch_id"), _c("team_name")),
            key=("team_id",),
            partitioned=False,
            hard_fks={"branch_id": ("branches", "branch_id")},
            description="Teams within branches (full snapshot per delivery).",
        ),
        Feed(
            "managers",
            "master",
            (
                _c("manager_id"),
                _c("name", pii=True),
                _c("team_id"),
                _c("role", enum=ROLES),
                _c("valid_from", "date"),
                _c("valid_to", "date", nullable=True),
            ),
            key=("manager_id", "valid_from"),
            partitioned=False,
            hard_fks={"team_id": ("teams", "team_id")},
            description="Staff history: one row per (manager, team assignment) period.",
        ),
        Feed(
            "clients",
            "master",
            (
                _c("client_id"),
                _c("client_name", pii=True),
                _c("uscc", pii=True),
                _c("industry"),
                _c("segment", enum=SEGMENTS),
                _c("size", enum=("micro", "small", "medium", "large")),
                _c("tier", enum=("strategic", "core", "ordinary")),
                _c("branch_id"),
                _c("tier_valid_from", "date"),
            ),
            key=("client_id", "tier_valid_from"),
            partitioned=False,
            description="Corporate clients with the tier in force since tier_valid_from.",
        ),
        Feed(
            "communities",
            "community",
            (
                _c("community_id"),
                _c("community_name"),
                _c(
                    "platform",
                    enum=(
                        "wecom_group",
                        "app_forum",
                        "livestream",
                        "offline_salon",
                        "industry_forum",
                    ),
                ),
                _c("branch_id"),
                _c("owner_manager_id"),
                _c("target_segment", enum=SEGMENTS),
                _c("created_at", "timestamp"),
                _c("closed_at", "timestamp", nullable=True),
            ),
            key=("community_id",),
            partitioned=False,
            soft_links={"owner_manager_id": ("managers", "manager_id")},
            description="Client communities and the manager who owns each.",
        ),
        # ---- community platform, event-like ----
        Feed(
            "memberships",
            "community",
            (
                _c("membership_id"),
                _c("community_id"),
                _c("member_id"),
                _c("client_id", nullable=True),
                _c("is_staff", "boolean"),
                _c("display_name", pii=True, nullable=True),
                _c("phone", pii=True, nullable=True),
                _c("joined_at", "timestamp"),
                _c("left_at", "timestamp", nullable=True),
                _c("referrer_member_id", nullable=True),
                _c("staff_manager_id", nullable=True, optional=True),
            ),
            key=("membership_id",),
            partitioned=True,
            hard_fks={"community_id": ("communities", "community_id")},
            soft_links={"client_id": ("clients", "client_id")},
            description="Who joined which community when (re-delivered when a member leaves).",
        ),
        Feed(
            "engagement_events",
            "community",
            (
                _c("event_id"),
                _c("occurred_at", "timestamp"),
                _c("community_id"),
                _c("member_id"),
                _c(
                    "event_type",
                    enum=(
                        "message",
                        "reply",
                        "reaction",
                        "share",
                        "content_view",
                        "content_click",
                        "event_signup",
                        "event_attend",
                        "question",
                        "answer",
                        "survey_response",
                    ),
                ),
                _c("content_id", nullable=True),
                _c("reply_to_event_id", nullable=True),
            ),
            key=("event_id",),
            partitioned=True,
            hard_fks={"community_id": ("communities", "community_id")},
            soft_links={"member_id": ("memberships", "member_id")},
            description="Daily engagement events (the large feed: one file a day).",
            daily=True,
        ),
        Feed(
            "content",
            "community",
            (
                _c("content_id"),
                _c("community_id"),
                _c("author_manager_id"),
                _c(
                    "content_type",
                    enum=(
                        "industry_news",
                        "policy_interpretation",
                        "finance_knowledge",
                        "product",
                        "event_notice",
                    ),
                ),
                _c("published_at", "timestamp"),
                _c("title"),
            ),
            key=("content_id",),
            partitioned=True,
            hard_fks={"community_id": ("communities", "community_id")},
            description="Content pieces published into communities.",
        ),
        Feed(
            "surveys",
            "community",
            (
                _c("response_id"),
                _c("community_id"),
                _c("member_id"),
                _c("submitted_at", "timestamp"),
                _c("score", "integer", value_range=(0, 10)),
                _c("comment", pii=True, nullable=True),
            ),
            key=("response_id",),
            partitioned=True,
            hard_fks={"community_id": ("communities", "community_id")},
            soft_links={"member_id": ("memberships", "member_id")},
            description="Satisfaction survey responses (0–10, NPS).",
        ),
        # ---- credit / CRM ----
        Feed(
            "leads",
            "credit",
            (
                _c("lead_id"),
                _c("client_id"),
                _c("created_at", "timestamp"),
                _c("source_channel", enum=("community", "branch", "referral", "online", "other")),
                _c("source_community_id", nullable=True),
                _c("manager_id"),
                _c("product", enum=PRODUCTS),
                _c("requested_amount", "decimal", non_negative=True),
            ),
            key=("lead_id",),
            partitioned=True,
            soft_links={"source_community_id": ("communities", "community_id")},
            description="Loan leads in the CRM.",
        ),
        Feed(
            "applications",
            "credit",
            (
                _c("application_id"),
                _c("lead_id"),
                _c("client_id"),
                _c("submitted_at", "timestamp"),
                _c("amount", "decimal", non_negative=True),
                _c("product", enum=PRODUCTS),
                _c("decision", nullable=True, enum=("approved", "rejected", "withdrawn")),
                _c("decided_at", "timestamp", nullable=True),
                _c("approved_amount", "decimal", nullable=True, non_negative=True),
            ),
            key=("application_id",),
            partitioned=True,
            hard_fks={"lead_id": ("leads", "lead_id")},
            description="Credit applications (re-delivered when decided).",
        ),
        Feed(
            "disbursements",
            "credit",
            (
                _c("disbursement_id"),
                _c("application_id"),
                _c("loan_id"),
                _c("disbursed_at", "timestamp"),
                _c("amount", "decimal", non_negative=True),
            ),
            key=("disbursement_id",),
            partitioned=True,
            hard_fks={"application_id": ("applications", "application_id")},
            description="Loan disbursements (tranches) against approved applications.",
        ),
        Feed(
            "loan_snapshots",
            "credit",
            (
                _c("snapshot_date", "date"),
                _c("loan_id"),
                _c("outstanding_balance", "decimal", non_negative=True),
                _c("days_past_due", "integer", non_negative=True),
                _c(
                    "classification",
                    enum=("normal", "special_mention", "substandard", "doubtful", "loss"),
                ),
            ),
            key=("snapshot_date", "loan_id"),
            partitioned=True,
            description="Month-end loan balances and five-category classification.",
        ),
        Feed(
            "compliance_events",
            "credit",
            (
                _c("compliance_event_id"),
                _c("occurred_on", "date"),
                _c("manager_id"),
                _c("branch_id"),
                _c("severity", enum=("minor", "major", "critical")),
                _c("category"),
                _c("description", pii=True, nullable=True),
            ),
            key=("compliance_event_id",),
            partitioned=True,
            description="Compliance findings against managers.",
        ),
    )
}
