"""Realistic demo landing zone, written exactly as ``shared/spec/contract.md`` says.

Vectorised with numpy/pandas (no Python loop per row): scale 1 is about a million engagement
events over six months, and every size grows linearly with ``scale``. The same seed gives the
same files. What makes it realistic rather than uniform:

* community sizes and member activity are heavy-tailed (Pareto / log-normal, Orbit-style);
* staff accounts in every community (the owner and a customer-service colleague) answer
  members' questions after a log-normal delay; some questions stay unanswered;
* members join and leave (a leave re-delivers the membership row), a third are unverified;
* a few member-days are inflated by bots (> 200 events), for the anti-gaming rule;
* a share of events carry a UTC ``Z`` offset and sit in the file of their UTC date;
* a lead → application → decision → disbursement funnel with plausible rates and delays,
  applications re-delivered when decided, loans in one or two tranches;
* month-end loan snapshots with a small share of delinquent and non-performing loans;
* managers moving team mid-period, clients changing tier, a few compliance events;
* master data delivered as a full snapshot on the first day of every month;
* the last month shows every rule that decides pay (``Generator.showcase``): an operator becomes
  a content planner on its first day, a customer-service hire who runs no account yet (not
  scored), a critical compliance event (veto), a major one (penalty), a manager whose
  communities' events are inflated past the anti-gaming share (penalty), and a community whose
  loans turn non-performing at month end (NPL above the red line: veto).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from rich.progress import Progress

from dagster_project.ingest.feeds import PRODUCTS, SEGMENTS

EVENTS_PER_SCALE_PER_MONTH = 1_000_000 / 6
EVENT_TYPES = {
    "message": 0.30,
    "reply": 0.14,
    "reaction": 0.20,
    "share": 0.04,
    "content_view": 0.15,
    "content_click": 0.05,
    "event_signup": 0.02,
    "event_attend": 0.01,
    "question": 0.05,
    "answer": 0.02,
    "survey_response": 0.02,
}
CONTENT_TYPES = {
    "industry_news": 0.3,
    "policy_interpretation": 0.2,
    "finance_knowledge": 0.25,
    "product": 0.15,
    "event_notice": 0.1,
}
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明"]
REGIONS = ["华东", "华南", "华北", "西南", "华中"]
CITIES = [
    "上海",
    "杭州",
    "苏州",
    "南京",
    "深圳",
    "广州",
    "北京",
    "成都",
    "武汉",
    "合肥",
    "宁波",
    "天津",
]
TS_FORMAT = "%Y-%m-%dT%H:%M:%S"


@dataclass(frozen=True)
class Window:
    start: pd.Timestamp  # first local instant
    end: pd.Timestamp  # first local instant after the last month

    @property
    def month_starts(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end, freq="MS", inclusive="left")


def _n(base: float, scale: float, minimum: int) -> int:
    return max(minimum, round(base * scale))


def _pick(rng: np.random.Generator, options: dict[str, float], size: int) -> np.ndarray:
    keys = np.array(list(options))
    p = np.array(list(options.values()), dtype=float)
    return rng.choice(keys, size=size, p=p / p.sum())


def _names(rng: np.random.Generator, size: int) -> np.ndarray:
    return np.char.add(rng.choice(SURNAMES, size), rng.choice(GIVEN, size))


def _uniform_times(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    lo_ns, hi_ns = (
        lo.astype("datetime64[s]").astype(np.int64),
        hi.astype("datetime64[s]").astype(np.int64),
    )
    return (lo_ns + (rng.random(len(lo)) * np.maximum(hi_ns - lo_ns, 1)).astype(np.int64)).astype(
        "datetime64[s]"
    )


def _ids(prefix: str, n: int, width: int = 6) -> np.ndarray:
    if n == 0:
        return np.array([], dtype=str)
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


class Generator:
    """Builds every feed as a DataFrame with a ``_file_date`` column, then writes them."""

    def __init__(self, scale: float, start: str, months: int, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        #: draws for the role-fitting data (analysts, a role change, who answers), kept apart so
        #: that they leave the rest of the demo as it was
        self.role_rng = np.random.default_rng([seed, 2])
        #: draws for the last month's showcase of the rules (Generator.showcase), likewise apart
        self.showcase_rng = np.random.default_rng([seed, 3])
        self.scale = scale
        begin = pd.Timestamp(f"{start}-01")
        self.window = Window(begin, begin + pd.DateOffset(months=months))
        self.months = months
        self.frames: dict[str, pd.DataFrame] = {}

    # ---------------------------------------------------------------- organisation
    def organisation(self) -> None:
        rng, s = self.rng, self.scale
        n_branches = _n(6, s, 2)
        branches = pd.DataFrame(
            {
                "branch_id": _ids("BR", n_branches, 3),
                "branch_name": [
                    f"{CITIES[i % len(CITIES)]}分行{i // len(CITIES) or ''}" for i in range(n_branches)
                ],
                "region": [REGIONS[i % len(REGIONS)] for i in range(n_branches)],
            }
        )
        teams = pd.DataFrame({"branch_id": np.repeat(branches.branch_id.to_numpy(), 3)})
        teams["team_id"] = _ids("T", len(teams), 4)
        teams["team_name"] = [f"社群运营{i % 3 + 1}组" for i in range(len(teams))]
        roles = [
            "community_operator",
            "community_operator",
            "content_planner",
            "customer_service",
            "relationship_manager",
        ]
        mgr = pd.DataFrame(
            {
                "team_id": np.repeat(teams.team_id.to_numpy(), len(roles)),
                "role": np.tile(roles, len(teams)),
            }
        )
        mgr["manager_id"] = _ids("M", len(mgr), 4)
        mgr["name"] = _names(rng, len(mgr))
        mgr["valid_from"] = (self.window.start - pd.DateOffset(years=2)).date()
        mgr["valid_to"] = None  # object column of dates; None while open
        # a few managers move to another team at a month start inside the window
        movers = mgr.sample(frac=0.06, random_state=rng).index if len(mgr) > 10 else mgr.index[:1]
        if self.months > 1:
            moved_on = rng.choice(self.window.month_starts[1:], len(movers))
            new_rows = mgr.loc[movers].copy()
            new_rows["team_id"] = rng.choice(teams.team_id.to_numpy(), len(movers))
            new_rows["valid_from"] = pd.DatetimeIndex(moved_on).date
            mgr.loc[movers, "valid_to"] = pd.DatetimeIndex(moved_on).date
            mgr = pd.concat([mgr, new_rows], ignore_index=True)
        # a data analyst per branch, in its first team
        analysts = pd.DataFrame(
            {"team_id": teams.drop_duplicates("branch_id").team_id.to_numpy(), "role": "data_analyst"}
        )
        analysts["manager_id"] = _ids("DA", len(analysts), 4)
        analysts["name"] = _names(self.role_rng, len(analysts))
        analysts["valid_from"] = (self.window.start - pd.DateOffset(years=2)).date()
        analysts["valid_to"] = None
        mgr = pd.concat([mgr, analysts], ignore_index=True)
        current = mgr[mgr.valid_to.isna()].merge(teams[["team_id", "branch_id"]], on="team_id")
        self.current_managers = current
        # an operator becomes a content planner at a month start inside the window (their
        # communities keep them as owner: owner_manager_id holds whatever the date)
        if self.months > 1:
            operators = mgr.index[(mgr.role == "community_operator") & mgr.valid_to.isna()]
            changer = self.role_rng.choice(operators)
            changed_on = self.window.month_starts[-1].date()  # the last month shows a role change
            planner = mgr.loc[[changer]].copy()
            planner["role"], planner["valid_from"] = "content_planner", changed_on
            mgr.loc[changer, "valid_to"] = changed_on
            mgr = pd.concat([mgr, planner], ignore_index=True)
            # a customer-service hire of the last month who runs no staff account yet: every
            # indicator of the role is n/a, so the manager is listed as not scored
            hire = pd.DataFrame(
                {
                    "team_id": [teams.team_id.iloc[-1]],
                    "role": ["customer_service"],
                    "manager_id": ["NS0001"],
                    "name": _names(self.showcase_rng, 1),
                    "valid_from": [self.window.month_starts[-1].date()],
                    "valid_to": [None],
                }
            )
            mgr = pd.concat([mgr, hire], ignore_index=True)
        self.branches, self.teams, self.managers = branches, teams, mgr

    # ---------------------------------------------------------------- clients
    def clients(self) -> None:
        rng, n = self.rng, _n(5000, self.scale, 60)
        clients = pd.DataFrame(
            {
                "client_id": _ids("C", n, 7),
                "client_name": np.char.add(
                    rng.choice(CITIES, n),
                    rng.choice(["智造", "新能源", "精密", "绿色", "科创", "建设"], n),
                ),
                "uscc": np.char.add("91", np.char.zfill(rng.integers(0, 10**15, n).astype(str), 16)),
                "industry": rng.choice(
                    ["电子信息", "装备制造", "新能源", "新材料", "建筑", "批发零售", "生物医药"], n
                ),
                "segment": rng.choice(SEGMENTS, n, p=[0.3, 0.3, 0.15, 0.25]),
                "size": rng.choice(["micro", "small", "medium", "large"], n, p=[0.3, 0.4, 0.2, 0.1]),
                "tier": rng.choice(["strategic", "core", "ordinary"], n, p=[0.05, 0.2, 0.75]),
                "branch_id": rng.choice(self.branches.branch_id.to_numpy(), n),
            }
        )
        clients["client_name"] = np.char.add(clients.client_name.to_numpy().astype(str), "有限公司")
        clients["tier_valid_from"] = (self.window.start - pd.DateOffset(years=1)).date()
        self.client_table = clients

    # ---------------------------------------------------------------- communities & members
    def communities(self) -> None:
        rng, w = self.rng, self.window
        operators = self.current_managers[self.current_managers.role == "community_operator"]
        n = _n(200, self.scale, 4)
        owners = operators.sample(n, replace=True, random_state=rng)
        created = _uniform_times(
            rng,
            np.full(n, np.datetime64(w.start - pd.DateOffset(years=2))),
            np.full(n, np.datetime64(w.start + (w.end - w.start) * 0.5)),
        )
        comm = pd.DataFrame(
            {
                "community_id": _ids("CM", n, 5),
                "community_name": [
                    f"{s}客户社群{i}" for i, s in enumerate(rng.choice(["科创", "制造", "绿色", "综合"], n))
                ],
                "platform": rng.choice(
                    ["wecom_group", "app_forum", "livestream", "offline_salon", "industry_forum"],
                    n,
                    p=[0.5, 0.2, 0.1, 0.1, 0.1],
                ),
                "branch_id": owners.branch_id.to_numpy(),
                "owner_manager_id": owners.manager_id.to_numpy(),
                "target_segment": rng.choice(SEGMENTS, n),
                "created_at": created,
                "closed_at": pd.NaT,
                "size_weight": rng.pareto(1.2, n) + 1,  # heavy-tailed community sizes
            }
        )
        self.community_table = comm

    def memberships(self) -> None:
        rng, w, comm = self.rng, self.window, self.community_table
        n_members = _n(25_000, self.scale, 80)
        extra = rng.geometric(0.65, n_members)  # communities per member, mostly 1
        member = np.repeat(_ids("U", n_members, 7), extra)
        p = comm.size_weight.to_numpy() / comm.size_weight.sum()
        c_idx = rng.choice(len(comm), len(member), p=p)
        ms = pd.DataFrame({"member_id": member, "community_id": comm.community_id.to_numpy()[c_idx]})
        ms = ms.drop_duplicates(["member_id", "community_id"]).reset_index(drop=True)
        # verified members point at a client; some at a client id the CRM does not know
        members = pd.DataFrame({"member_id": np.unique(member)})
        verified = rng.random(len(members)) < 0.65
        clients = self.client_table.client_id.to_numpy()
        members["client_id"] = np.where(verified, rng.choice(clients, len(members)), None)
        unknown = verified & (rng.random(len(members)) < 0.03)
        members.loc[unknown, "client_id"] = np.char.add(
            "C9", np.char.zfill(np.arange(unknown.sum()).astype(str), 6)
        )
        ms = ms.merge(members, on="member_id")
        created = comm.set_index("community_id").created_at.reindex(ms.community_id).to_numpy()
        early = rng.random(len(ms)) < 0.45
        lo = np.where(
            early,
            np.maximum(created, np.datetime64(w.start - pd.DateOffset(years=1))),
            np.maximum(created, np.datetime64(w.start)),
        )
        hi = np.where(early, np.datetime64(w.start), np.datetime64(w.end))
        ms["joined_at"] = _uniform_times(rng, lo, np.maximum(hi, lo + np.timedelta64(1, "h")))
        leaves = rng.random(len(ms)) < 0.15
        left = _uniform_times(
            rng,
            np.maximum(ms.joined_at.to_numpy(), np.datetime64(w.start)),
            np.full(len(ms), np.datetime64(w.end)),
        )
        ms["left_at"] = np.where(leaves & (left < np.datetime64(w.end)), left, np.datetime64("NaT"))
        ms["is_staff"] = False
        ms["staff_manager_id"] = None
        # staff: the owner and a customer-service colleague of the owner's team
        cs = self.current_managers[self.current_managers.role == "customer_service"]
        owner_team = comm.merge(
            self.current_managers[["manager_id", "team_id"]],
            left_on="owner_manager_id",
            right_on="manager_id",
            how="left",
        )
        helper = owner_team.merge(
            cs[["team_id", "manager_id"]].drop_duplicates("team_id"),
            on="team_id",
            how="left",
            suffixes=("", "_cs"),
        )
        staff_ids = np.concatenate(
            [
                comm.owner_manager_id.to_numpy(),
                helper.manager_id_cs.fillna(comm.owner_manager_id.iloc[0]).to_numpy(),
            ]
        )
        staff = pd.DataFrame(
            {
                "community_id": np.tile(comm.community_id.to_numpy(), 2),
                "staff_manager_id": staff_ids,
            }
        )
        staff["member_id"] = np.char.add("S", staff.staff_manager_id.to_numpy().astype(str))
        staff = staff.drop_duplicates(["member_id", "community_id"])
        staff["client_id"] = None
        staff["is_staff"] = True
        staff["joined_at"] = np.maximum(
            comm.set_index("community_id").created_at.reindex(staff.community_id).to_numpy(),
            np.datetime64(w.start - pd.DateOffset(years=1)),
        )
        staff["left_at"] = np.datetime64("NaT")
        ms = pd.concat([ms, staff], ignore_index=True)
        ms["membership_id"] = _ids("MS", len(ms), 8)
        ms["display_name"] = _names(rng, len(ms))
        ms["phone"] = np.char.add("13", np.char.zfill(rng.integers(0, 10**9, len(ms)).astype(str), 9))
        ms["referrer_member_id"] = np.where(
            rng.random(len(ms)) < 0.1, rng.choice(ms.member_id.to_numpy(), len(ms)), None
        )
        self.membership_table = ms

    # ---------------------------------------------------------------- content
    def content(self) -> None:
        rng, w, comm = self.rng, self.window, self.community_table
        per_month = rng.poisson(3.0, (len(comm), self.months))
        c_idx = np.repeat(np.repeat(np.arange(len(comm)), self.months), per_month.ravel())
        m_idx = np.repeat(np.tile(np.arange(self.months), len(comm)), per_month.ravel())
        starts = w.month_starts.to_numpy()[m_idx]
        ends = np.append(w.month_starts.to_numpy()[1:], np.datetime64(w.end))[m_idx]
        lo = np.maximum(starts, comm.created_at.to_numpy()[c_idx])
        published = _uniform_times(rng, lo, np.maximum(ends, lo + np.timedelta64(1, "h")))
        keep = published < np.datetime64(w.end)
        c_idx, published = c_idx[keep], published[keep]
        planners = self.current_managers[
            self.current_managers.role == "content_planner"
        ].manager_id.to_numpy()
        ctype = _pick(rng, CONTENT_TYPES, len(c_idx))
        self.content_table = pd.DataFrame(
            {
                "content_id": _ids("CT", len(c_idx), 7),
                "community_id": comm.community_id.to_numpy()[c_idx],
                "author_manager_id": np.where(
                    rng.random(len(c_idx)) < 0.7,
                    comm.owner_manager_id.to_numpy()[c_idx],
                    rng.choice(planners, len(c_idx)),
                ),
                "content_type": ctype,
                "published_at": published,
                "title": np.char.add(
                    np.char.add(ctype.astype(str), " 第"), np.arange(len(c_idx)).astype(str)
                ),
            }
        )

    # ---------------------------------------------------------------- engagement
    def engagement(self) -> None:
        rng, w = self.rng, self.window
        ms = self.membership_table[~self.membership_table.is_staff].reset_index(drop=True)
        start, end = np.datetime64(w.start), np.datetime64(w.end)
        lo = np.maximum(ms.joined_at.to_numpy().astype("datetime64[s]"), start)
        hi = np.where(pd.isna(ms.left_at), end, ms.left_at.to_numpy().astype("datetime64[s]"))
        hi = np.minimum(hi, end)
        alive = np.maximum((hi - lo).astype(np.int64), 0)
        activity = rng.lognormal(0.0, 1.6, len(ms))  # Orbit-style heavy tail of member love
        weight = activity * alive
        n_events = round(EVENTS_PER_SCALE_PER_MONTH * self.scale * self.months)
        idx = rng.choice(len(ms), n_events, p=weight / weight.sum())
        when = _uniform_times(rng, lo[idx], hi[idx])
        # working-hours rhythm: move a share of events into 09–22h of the same local day
        day = when.astype("datetime64[D]")
        hour = rng.choice(np.arange(24), n_events, p=_hour_profile())
        when = day + (hour * 3600 + rng.integers(0, 3600, n_events)).astype("timedelta64[s]")
        when = np.clip(when, lo[idx], hi[idx] - np.timedelta64(1, "s"))
        ev = pd.DataFrame(
            {
                "occurred_at": when,
                "community_id": ms.community_id.to_numpy()[idx],
                "member_id": ms.member_id.to_numpy()[idx],
                "event_type": _pick(rng, EVENT_TYPES, n_events),
            }
        )
        answers = self._staff_answers(ev)
        answers = answers[answers.occurred_at < end]  # an answer after the window is not delivered yet
        ev = pd.concat([ev, self._bot_days(ms), self._inflated_manager(ms, ev), answers], ignore_index=True)
        ev = self._attach_content(ev)
        ev = ev.sort_values(["occurred_at", "community_id"], kind="stable").reset_index(drop=True)
        ev["event_id"] = _ids("E", len(ev), 9)
        # replies point at the previous event of the same community; answers at their question
        prev = ev.groupby("community_id").event_id.shift(1)
        ev["reply_to_event_id"] = np.where(ev.event_type == "reply", prev, None)
        is_answer = ev._question_key.notna()
        ev.loc[is_answer, "reply_to_event_id"] = ev.event_id.to_numpy()[
            ev.loc[is_answer, "_question_pos"].astype(int)
        ]
        self.event_table = ev.drop(columns=["_question_key", "_question_pos"])

    def _bot_days(self, ms: pd.DataFrame) -> pd.DataFrame:
        """A few member-days with 220–400 reactions: inflation the anti-gaming rule must catch."""
        rng, w = self.rng, self.window
        n_days = _n(12, self.scale, 2)
        who = ms.sample(n_days, replace=True, random_state=rng)
        days = rng.integers(0, (w.end - w.start).days, n_days)
        sizes = rng.integers(220, 400, n_days)
        base = np.datetime64(w.start) + days.astype("timedelta64[D]")
        return pd.DataFrame(
            {
                "occurred_at": np.repeat(base, sizes)
                + rng.integers(36_000, 79_000, sizes.sum()).astype("timedelta64[s]"),
                "community_id": np.repeat(who.community_id.to_numpy(), sizes),
                "member_id": np.repeat(who.member_id.to_numpy(), sizes),
                "event_type": "reaction",
            }
        )

    def _inflated_manager(self, ms: pd.DataFrame, ev: pd.DataFrame) -> pd.DataFrame:
        """Bot member-days in the last month in the communities of the operator with the fewest
        events, about 10 % of them: past the anti-gaming share, a penalty (showcase)."""
        if self.months < 2:
            return ev.iloc[0:0]
        rng, last = self.showcase_rng, self.window.month_starts[-1]
        owners = self.community_table.set_index("community_id").owner_manager_id
        in_last = ev[ev.occurred_at >= last]
        per_owner = owners.reindex(in_last.community_id).value_counts()
        target = per_owner.idxmin()
        members = ms[
            ms.community_id.isin(owners.index[owners == target])
            & (ms.joined_at < last)
            & (ms.left_at.isna() | (ms.left_at >= self.window.end))
        ]
        if members.empty:
            return ev.iloc[0:0]
        total = max(220, int(per_owner.min() * 0.1) + 1)
        sizes = np.full(-(-total // 300), 300)
        who = members.sample(len(sizes), replace=True, random_state=rng)
        days = np.datetime64(last.date()) + rng.choice(np.arange(1, 25), len(sizes), replace=False)
        return pd.DataFrame(
            {
                "occurred_at": np.repeat(days.astype("datetime64[s]"), sizes)
                + rng.integers(36_000, 79_000, sizes.sum()).astype("timedelta64[s]"),
                "community_id": np.repeat(who.community_id.to_numpy(), sizes),
                "member_id": np.repeat(who.member_id.to_numpy(), sizes),
                "event_type": "reaction",
            }
        )

    def _staff_answers(self, ev: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        questions = ev.index[ev.event_type.to_numpy() == "question"]
        answered = questions[rng.random(len(questions)) < 0.8]
        staff = self.membership_table[self.membership_table.is_staff]
        first_staff = staff.drop_duplicates("community_id").set_index("community_id").member_id
        last_staff = staff.drop_duplicates("community_id", keep="last").set_index("community_id").member_id
        delay = np.minimum(rng.lognormal(np.log(90), 1.3, len(answered)), 20_000).astype(np.int64)
        communities = ev.community_id.to_numpy()[answered]
        # the owner's account or the customer-service colleague's, one answer in three
        by_service = self.role_rng.random(len(answered)) < 1 / 3
        return pd.DataFrame(
            {
                "occurred_at": ev.occurred_at.to_numpy()[answered] + (delay * 60).astype("timedelta64[s]"),
                "community_id": communities,
                "member_id": np.where(
                    by_service,
                    last_staff.reindex(communities).to_numpy(),
                    first_staff.reindex(communities).to_numpy(),
                ),
                "event_type": "answer",
                "_question_key": answered,
            }
        )

    def _attach_content(self, ev: pd.DataFrame) -> pd.DataFrame:
        """Content events point at a piece of the same community published before them."""
        is_content = ev.event_type.isin(["content_view", "content_click", "share"]).to_numpy()
        content_rows = np.flatnonzero(is_content)
        # content rows grouped by community once, each group in row order (a stable sort): a mask
        # per community made this quadratic in the zone's size (~17 minutes at scale 10)
        row_communities = ev.community_id.to_numpy()[content_rows]
        by_community = np.argsort(row_communities, kind="stable")
        grouped_rows = content_rows[by_community]
        grouped_keys = row_communities[by_community]
        occurred = ev.occurred_at.to_numpy()
        content_id = np.full(len(ev), None, dtype=object)
        ct = self.content_table.sort_values(["community_id", "published_at"])
        for community, pieces in ct.groupby("community_id"):
            lo = np.searchsorted(grouped_keys, community, side="left")
            hi = np.searchsorted(grouped_keys, community, side="right")
            rows = grouped_rows[lo:hi]
            if not len(rows):
                continue
            before = np.searchsorted(pieces.published_at.to_numpy(), occurred[rows])
            pick = np.floor(self.rng.random(len(rows)) * before).astype(int)
            ok = before > 0
            content_id[rows[ok]] = pieces.content_id.to_numpy()[pick[ok]]
        ev["content_id"] = content_id
        orphan = is_content & ev.content_id.isna().to_numpy()
        ev.loc[orphan, "event_type"] = "message"
        # remember where each answer's question sits once the frame is sorted
        ev["_question_pos"] = np.nan
        return self._resolve_question_positions(ev)

    @staticmethod
    def _resolve_question_positions(ev: pd.DataFrame) -> pd.DataFrame:
        order = ev.sort_values(["occurred_at", "community_id"], kind="stable").index
        position = pd.Series(np.arange(len(ev)), index=order)
        is_answer = ev._question_key.notna()
        ev.loc[is_answer, "_question_pos"] = position.reindex(
            ev.loc[is_answer, "_question_key"].astype(int)
        ).to_numpy()
        return ev

    # ---------------------------------------------------------------- surveys
    def surveys(self) -> None:
        rng, w = self.rng, self.window
        ms = self.membership_table[~self.membership_table.is_staff]
        n = _n(800 * self.months, self.scale, 20)
        pick = ms.sample(n, replace=True, random_state=rng)
        lo = np.maximum(pick.joined_at.to_numpy().astype("datetime64[s]"), np.datetime64(w.start))
        when = _uniform_times(rng, lo, np.full(n, np.datetime64(w.end)))
        score = rng.choice(np.arange(11), n, p=np.array([1, 1, 1, 2, 2, 4, 6, 10, 18, 25, 30]) / 100)
        comment = np.where(
            rng.random(n) < 0.3,
            rng.choice(["服务很好", "响应慢", "希望多办活动", "请联系我 138****"], n),
            None,
        )
        self.survey_table = pd.DataFrame(
            {
                "response_id": _ids("R", n, 7),
                "community_id": pick.community_id.to_numpy(),
                "member_id": pick.member_id.to_numpy(),
                "submitted_at": when,
                "score": score,
                "comment": comment,
            }
        )

    # ---------------------------------------------------------------- loan funnel
    def funnel(self) -> None:
        rng, w = self.rng, self.window
        n = _n(400 * self.months, self.scale, 30)
        linked = self.membership_table.dropna(subset=["client_id"])
        known = linked[linked.client_id.isin(self.client_table.client_id)]
        from_members = rng.random(n) < 0.65
        client = np.where(
            from_members,
            rng.choice(known.client_id.to_numpy(), n),
            rng.choice(self.client_table.client_id.to_numpy(), n),
        )
        created = _uniform_times(rng, np.full(n, np.datetime64(w.start)), np.full(n, np.datetime64(w.end)))
        channel = rng.choice(
            ["community", "branch", "referral", "online", "other"],
            n,
            p=[0.35, 0.25, 0.15, 0.15, 0.1],
        )
        home = known.drop_duplicates("client_id").set_index("client_id").community_id
        src = home.reindex(client).to_numpy()
        explicit = (channel == "community") & (rng.random(n) < 0.6) & pd.notna(src)
        rms = self.current_managers[self.current_managers.role == "relationship_manager"]
        rms_of_branch = {b: group.manager_id.to_numpy() for b, group in rms.groupby("branch_id")}
        client_branch = self.client_table.set_index("client_id").branch_id.reindex(client).to_numpy()
        # each lead is handled by one of the relationship managers of the client's branch
        handler = [
            self.role_rng.choice(rms_of_branch.get(b, rms.manager_id.to_numpy())) for b in client_branch
        ]
        leads = pd.DataFrame(
            {
                "lead_id": _ids("L", n, 7),
                "client_id": client,
                "created_at": created,
                "source_channel": channel,
                "source_community_id": np.where(explicit, src, None),
                "manager_id": handler,
                "product": rng.choice(PRODUCTS, n),
                "requested_amount": np.round(rng.lognormal(np.log(5e6), 0.9, n), -3),
            }
        )
        applies = rng.random(n) < 0.55
        apps = leads[applies].reset_index(drop=True)
        m = len(apps)
        submitted = apps.created_at.to_numpy() + (rng.integers(1, 60, m) * 86400).astype("timedelta64[s]")
        decided = submitted + (rng.integers(5, 45, m) * 86400 + rng.integers(0, 86400, m)).astype(
            "timedelta64[s]"
        )
        decision = rng.choice(["approved", "rejected", "withdrawn"], m, p=[0.65, 0.25, 0.10])
        amount = np.round(apps.requested_amount.to_numpy() * rng.uniform(0.6, 1.0, m), -3)
        applications = pd.DataFrame(
            {
                "application_id": _ids("A", m, 7),
                "lead_id": apps.lead_id,
                "client_id": apps.client_id,
                "submitted_at": submitted,
                "amount": amount,
                "product": apps["product"],
                "decision": decision,
                "decided_at": decided,
                "approved_amount": np.where(
                    decision == "approved", np.round(amount * rng.uniform(0.7, 1.0, m), -3), np.nan
                ),
            }
        )
        applications = applications[applications.submitted_at < np.datetime64(w.end)].reset_index(drop=True)
        pending = applications.decided_at >= np.datetime64(w.end)
        applications.loc[pending, ["decision", "decided_at", "approved_amount"]] = [
            None,
            pd.NaT,
            np.nan,
        ]
        self.lead_table, self.application_table = leads, applications
        self._disbursements()

    def _disbursements(self) -> None:
        rng, w = self.rng, self.window
        ok = self.application_table[self.application_table.decision == "approved"].reset_index(drop=True)
        k = len(ok)
        first = ok.decided_at.to_numpy() + (rng.integers(3, 30, k) * 86400).astype("timedelta64[s]")
        split = rng.random(k) < 0.3
        second = first + (rng.integers(20, 90, k) * 86400).astype("timedelta64[s]")
        amt = ok.approved_amount.to_numpy()
        d = pd.DataFrame(
            {
                "application_id": np.concatenate([ok.application_id, ok.application_id[split]]),
                "loan_id": np.concatenate([_ids("LN", k, 7), _ids("LN", k, 7)[split]]),
                "disbursed_at": np.concatenate([first, second[split]]),
                "amount": np.concatenate(
                    [np.where(split, np.round(amt * 0.6, 2), amt), np.round(amt[split] * 0.4, 2)]
                ),
            }
        )
        d = d[d.disbursed_at < np.datetime64(w.end)].sort_values("disbursed_at").reset_index(drop=True)
        d["disbursement_id"] = _ids("D", len(d), 7)
        self.disbursement_table = d
        self._snapshots()

    def _snapshots(self) -> None:
        rng, w = self.rng, self.window
        loans = self.disbursement_table.groupby("loan_id").agg(first=("disbursed_at", "min")).reset_index()
        risk = rng.choice(["good", "late", "bad"], len(loans), p=[0.94, 0.04, 0.02])
        trouble_after = rng.integers(1, 5, len(loans))
        frames = []
        month_ends = (w.month_starts + pd.offsets.MonthEnd(0)).to_numpy()
        for month_end in month_ends:
            cutoff = month_end + np.timedelta64(1, "D")
            disbursed = self.disbursement_table[self.disbursement_table.disbursed_at < cutoff]
            bal = disbursed.groupby("loan_id").amount.sum()
            book = loans[loans.loan_id.isin(bal.index)].copy()
            mob = ((cutoff - book["first"].to_numpy()) / np.timedelta64(30, "D")).astype(int)
            r = risk[book.index]
            late = mob >= trouble_after[book.index]
            dpd = np.where((r == "late") & late, rng.integers(1, 60, len(book)), 0)
            dpd = np.where((r == "bad") & late, 30 * (mob - trouble_after[book.index] + 1) + 10, dpd)
            cls = np.select(
                [dpd >= 360, dpd >= 180, dpd >= 90, dpd > 0],
                ["loss", "doubtful", "substandard", "special_mention"],
                "normal",
            )
            frames.append(
                pd.DataFrame(
                    {
                        "snapshot_date": pd.Timestamp(month_end).date(),
                        "loan_id": book.loan_id.to_numpy(),
                        "outstanding_balance": np.round(
                            bal.reindex(book.loan_id).to_numpy() * np.clip(1 - 0.02 * mob, 0.2, 1),
                            2,
                        ),
                        "days_past_due": dpd,
                        "classification": cls,
                    }
                )
            )
        self.snapshot_table = pd.concat(frames, ignore_index=True)

    def compliance(self) -> None:
        rng, w = self.rng, self.window
        n = max(3, rng.poisson(3 * self.scale * self.months))
        who = self.current_managers.sample(n, replace=True, random_state=rng)
        days = rng.integers(0, (w.end - w.start).days, n)
        severity = rng.choice(["minor", "major", "critical"], n, p=[0.7, 0.25, 0.05])
        self.compliance_table = pd.DataFrame(
            {
                "compliance_event_id": _ids("CE", n, 5),
                "occurred_on": (np.datetime64(w.start.date()) + days.astype("timedelta64[D]")),
                "manager_id": who.manager_id.to_numpy(),
                "branch_id": who.branch_id.to_numpy(),
                "severity": severity,
                "category": rng.choice(["营销宣传不当", "客户信息保护", "不当承诺", "流程违规"], n),
                "description": "见合规检查报告",
            }
        )

    def showcase(self) -> None:
        """The last month's compliance events and non-performing loans (see the module's
        docstring): a critical and a major event for two operators of different teams, and every
        loan of a community attributed by its leads turned doubtful at the last month end."""
        if self.months < 2:
            return
        rng, last = self.showcase_rng, self.window.month_starts[-1]
        operators = self.current_managers[
            self.current_managers.manager_id.isin(self.community_table.owner_manager_id)
        ]
        vetoed = operators.sample(1, random_state=rng).iloc[0]
        penalised = operators[operators.team_id != vetoed.team_id].sample(1, random_state=rng).iloc[0]
        events = pd.DataFrame(
            {
                "compliance_event_id": ["CE90001", "CE90002"],
                "occurred_on": [(last + pd.Timedelta(days=9)).date(), (last + pd.Timedelta(days=17)).date()],
                "manager_id": [vetoed.manager_id, penalised.manager_id],
                "branch_id": [vetoed.branch_id, penalised.branch_id],
                "severity": ["critical", "major"],
                "category": ["不当承诺", "客户信息保护"],
                "description": "见合规检查报告",
            }
        )
        self.compliance_table = pd.concat([self.compliance_table, events], ignore_index=True)
        leads = self.lead_table.dropna(subset=["source_community_id"])
        loans = self.disbursement_table.merge(
            self.application_table[["application_id", "lead_id"]], on="application_id"
        ).merge(leads[["lead_id", "source_community_id"]], on="lead_id")
        loans = loans[loans.disbursed_at < np.datetime64(last)]
        if loans.empty:
            return
        # the community holding the largest share of its owner's referred loans: its owner's NPL
        # ratio is then well above the red line
        owners = self.community_table.set_index("community_id").owner_manager_id
        amounts = loans.groupby("source_community_id").amount.sum()
        share = amounts / amounts.groupby(owners.reindex(amounts.index).to_numpy()).transform("sum")
        community = share.sort_values(ascending=False, kind="stable").index[0]
        bad = loans.loc[loans.source_community_id == community, "loan_id"].unique()
        month_end = (last + pd.offsets.MonthEnd(0)).date()
        snaps = self.snapshot_table
        hit = (snaps.snapshot_date == month_end) & snaps.loan_id.isin(bad)
        snaps.loc[hit, "days_past_due"] = 200
        snaps.loc[hit, "classification"] = "doubtful"

    # ---------------------------------------------------------------- deliveries
    def deliveries(self) -> dict[str, list[tuple[str, pd.DataFrame]]]:
        """Every feed cut into ``(file date, rows)`` deliveries."""
        w = self.window
        out: dict[str, list[tuple[str, pd.DataFrame]]] = {}
        for month in w.month_starts:
            day = month.strftime("%Y-%m-%d")
            snap = self.client_table.copy()
            changed = self.rng.random(len(snap)) < (0.04 if month > w.start else 0)
            snap.loc[changed, "tier"] = self.rng.choice(["strategic", "core", "ordinary"], changed.sum())
            snap.loc[changed, "tier_valid_from"] = (month - pd.Timedelta(days=3)).date()
            self.client_table = snap
            for feed, frame in (
                ("branches", self.branches),
                ("teams", self.teams),
                ("managers", self.managers[self.managers.valid_from <= month.date()]),
                ("clients", snap),
                (
                    "communities",
                    self.community_table[self.community_table.created_at < month + pd.offsets.MonthBegin(1)],
                ),
            ):
                frame = frame.copy()
                if feed == "managers":  # a move not yet happened is not in this snapshot
                    frame.loc[pd.to_datetime(frame.valid_to) > month, "valid_to"] = pd.NaT
                out.setdefault(feed, []).append((day, frame))
        ms = self.membership_table
        joined = ms.assign(_day=_local_day(ms.joined_at, w.start)).assign(left_at=pd.NaT)
        left = ms[ms.left_at.notna()].assign(_day=_local_day(ms[ms.left_at.notna()].left_at, w.start))
        out["memberships"] = _by_day(pd.concat([joined, left]))
        ev = self.event_table
        utc = self.rng.random(len(ev)) < 0.05
        ev = ev.assign(_utc=utc)
        utc_time = ev.occurred_at - pd.Timedelta(hours=8)
        ev["_day"] = np.where(utc, _local_day(utc_time, w.start), _local_day(ev.occurred_at, w.start))
        ev["occurred_at"] = np.where(
            utc, utc_time.dt.strftime(TS_FORMAT) + "Z", ev.occurred_at.dt.strftime(TS_FORMAT)
        )
        out["engagement_events"] = _by_day(ev.drop(columns="_utc"))
        out["content"] = _by_day(
            self.content_table.assign(_day=_local_day(self.content_table.published_at, w.start))
        )
        out["surveys"] = _by_day(
            self.survey_table.assign(_day=_local_day(self.survey_table.submitted_at, w.start))
        )
        out["leads"] = _by_day(self.lead_table.assign(_day=_local_day(self.lead_table.created_at, w.start)))
        apps = self.application_table
        submitted = apps.assign(
            _day=_local_day(apps.submitted_at, w.start),
            decision=None,
            decided_at=pd.NaT,
            approved_amount=np.nan,
        )
        decided = apps[apps.decided_at.notna()]
        decided = decided.assign(_day=_local_day(decided.decided_at, w.start))
        out["applications"] = _by_day(pd.concat([submitted, decided]))
        d = self.disbursement_table
        out["disbursements"] = _by_day(d.assign(_day=_local_day(d.disbursed_at, w.start)))
        s = self.snapshot_table
        out["loan_snapshots"] = _by_day(
            s.assign(_day=pd.to_datetime(s.snapshot_date).dt.strftime("%Y-%m-%d"))
        )
        c = self.compliance_table
        out["compliance_events"] = _by_day(
            c.assign(_day=pd.to_datetime(c.occurred_on).dt.strftime("%Y-%m-%d"))
        )
        return out

    def build(self) -> dict[str, list[tuple[str, pd.DataFrame]]]:
        for step in (
            self.organisation,
            self.clients,
            self.communities,
            self.memberships,
            self.content,
            self.engagement,
            self.surveys,
            self.funnel,
            self.compliance,
            self.showcase,
        ):
            step()
        return self.deliveries()


def _hour_profile() -> np.ndarray:
    p = np.array([1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 4, 6, 6, 5, 3, 4, 6, 6, 5, 4, 3, 4, 6, 6, 4, 2], float)
    return p / p.sum()


def _local_day(values: pd.Series, floor: pd.Timestamp) -> pd.Series:
    """File date of a delivery: the local day, but never before the first day of the window."""
    return pd.to_datetime(values).clip(lower=floor).dt.strftime("%Y-%m-%d")


def _by_day(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    return [(day, rows.drop(columns="_day")) for day, rows in frame.groupby("_day", sort=True)]


def _to_csv_frame(feed: str, frame: pd.DataFrame) -> pd.DataFrame:
    from dagster_project.ingest.feeds import FEEDS

    spec = FEEDS[feed]
    out = pd.DataFrame(index=frame.index)
    for col in spec.columns:
        if col.name not in frame:
            continue
        values = frame[col.name]
        if col.type == "timestamp" and not pd.api.types.is_string_dtype(values):
            values = pd.to_datetime(values).dt.strftime(TS_FORMAT)
        elif col.type == "date":
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        elif col.type == "boolean":
            values = values.map({True: "true", False: "false"})
        elif col.type == "decimal":
            values = pd.to_numeric(values).round(2)
        out[col.name] = values
    return out


def generate(
    out: Path,
    scale: float = 1.0,
    start: str = "2025-01",
    months: int = 6,
    seed: int = 7,
    show_progress: bool = True,
) -> dict[str, int]:
    """Write the landing zone under ``out``; return rows written per feed."""
    deliveries = Generator(scale, start, months, seed).build()
    written: dict[str, int] = {}
    total = sum(len(files) for files in deliveries.values())
    with Progress(disable=not show_progress, transient=True) as progress:
        task = progress.add_task("writing landing files", total=total)
        for feed, files in deliveries.items():
            folder = out / feed
            folder.mkdir(parents=True, exist_ok=True)
            for day, frame in files:
                _to_csv_frame(feed, frame).to_csv(folder / f"{feed}_{day}.csv", index=False)
                written[feed] = written.get(feed, 0) + len(frame)
                progress.advance(task)
    return written
