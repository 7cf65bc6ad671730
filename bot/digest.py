"""The weekly digest of one channel: what was reviewed in an ISO week, which units' latest review still
has errors, the most frequent rules, what re-reviews fixed, LLM usage, and which expected units have
not submitted. ``compute`` is a pure function of store rows, the week and the clock; ``read_rows``
and ``active_channels`` are the only parts that query the store.

Weeks run Monday 00:00 to Sunday 24:00 in Asia/Shanghai: supervising offices count in Beijing time.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.orm import defer

from extractors.normalize import name_key
from nianbao.config import Config
from nianbao.errors import UserError
from nianbao.models import SEVERITY_ORDER
from nianbao.rules.date_rules import deadline_for

from .store import DONE, FAILED, FindingRow, LLMCallRow, ReviewRow, Store
from .units import Unit, expected_in

TZ = ZoneInfo("Asia/Shanghai")
HISTORY_WEEKS = 8  # the chart's verdicts by week, this week included
VERDICTS = ("pass", "warn", "fail")


class WeekError(UserError, ValueError):
    """Not an ISO week; the message is for the user (Chinese)."""


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Week:
        m = re.fullmatch(r"(\d{4})-?W(\d{1,2})", text.strip().upper())
        try:
            if m:
                return cls.of(date.fromisocalendar(int(m[1]), int(m[2]), 1))
        except ValueError:  # week 53 of a year that has 52
            pass
        raise WeekError(f"周「{text}」无效：应为 ISO 周，例如 2027-W02（2027 年第 2 周，周一至周日）")

    @classmethod
    def of(cls, day: date) -> Week:
        year, number, _ = day.isocalendar()
        return cls(year, number)

    @classmethod
    def last_completed(cls, now: datetime) -> Week:
        """The digest read on Monday morning is about the week that ended the night before."""
        return cls.of(now.astimezone(TZ).date()).shift(-1)

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def shift(self, weeks: int) -> Week:
        return Week.of(self.monday + timedelta(weeks=weeks))

    def start(self) -> datetime:
        return datetime.combine(self.monday, time(), TZ).astimezone(UTC)

    def end(self) -> datetime:
        return self.shift(1).start()


def report_year(day: date) -> int:
    """Reports on year Y are due in January–March of Y+1, so until June the season is last year's."""
    return day.year - 1 if day.month <= 6 else day.year


# -- the digest -------------------------------------------------------------------------------------


class StillWrong(BaseModel):
    """A unit whose latest review still has errors, and where that review was answered."""

    issuer: str
    year: int | None
    n_error: int
    n_warning: int
    reviewed_at: datetime
    thread_ts: str | None
    reply_ts: str | None


class RuleCount(BaseModel):
    rule: str
    severity: str
    units: int  # units whose latest review this week has the rule
    findings: int


class WeekVerdicts(BaseModel):
    week: str
    verdicts: dict[str, int]


class Missing(BaseModel):
    """Expected units without a review of the report year, by deadline."""

    deadline: date
    days_left: int  # from the week's last day; negative: overdue
    units: list[str]


class Digest(BaseModel):
    channel: str
    week: str
    first_day: date
    last_day: date
    report_year: int
    reviewed: int = 0
    new: int = 0
    re_reviews: int = 0
    failed: int = 0  # could not be reviewed (unreadable file, …)
    verdicts: dict[str, int] = {}
    still_wrong: list[StillWrong] = []
    rules: list[RuleCount] = []
    fixed: int = 0  # findings that re-reviews found fixed
    llm_calls: int = 0
    llm_failed: int = 0
    tokens_in: int = 0
    tokens_cached: int = 0  # of tokens_in, from the provider's prompt cache
    tokens_out: int = 0
    cost: dict[str, float] = {}  # currency -> estimated cost of the calls with a price
    history: list[WeekVerdicts] = []
    expected: int | None = None  # None: no list of expected units
    missing: list[Missing] = []

    @property
    def empty(self) -> bool:
        return self.reviewed == 0 and self.failed == 0


@dataclass
class Rows:
    """What the digest reads: finished reviews (done or failed) up to the digest's time, with the
    findings and LLM calls of the channel's reviews of the week."""

    reviews: list[ReviewRow]
    findings: list[FindingRow] = field(default_factory=list)
    calls: list[LLMCallRow] = field(default_factory=list)


def compute(
    rows: Rows,
    channel: str,
    week: Week,
    now: datetime,
    *,
    config: Config,
    units: list[Unit] | None = None,
    year: int | None = None,
) -> Digest:
    """The digest of ``channel`` for ``week``. ``now`` is when it is read: reports submitted until
    then count as submitted. The days left run from the week's last day, so a digest says the same
    whenever it is read (a week printed later still counts from its own Sunday)."""
    year = year or report_year(week.sunday)
    start, end = week.start(), week.end()
    here = [r for r in rows.reviews if r.channel == channel and as_utc(r.created_at) < end]
    this_week = [r for r in here if as_utc(r.created_at) >= start]
    done = [r for r in this_week if r.status == DONE]
    latest = _latest_per_unit(done)
    calls = [c for c in rows.calls if c.review_id in {r.id for r in done}]
    d = Digest(
        channel=channel,
        week=str(week),
        first_day=week.monday,
        last_day=week.sunday,
        report_year=year,
        reviewed=len(done),
        new=sum(r.previous_id is None for r in done),
        re_reviews=sum(r.previous_id is not None for r in done),
        failed=sum(r.status == FAILED for r in this_week),
        verdicts=_verdicts(done),
        still_wrong=_still_wrong(here, year, start),
        rules=_rules(rows.findings, {r.id for r in latest}),
        fixed=sum(r.n_fixed or 0 for r in done if r.previous_id is not None),
        llm_calls=len(calls),
        llm_failed=sum(not c.ok for c in calls),
        tokens_in=sum(c.tokens_in for c in calls),
        tokens_out=sum(c.tokens_out for c in calls),
        tokens_cached=sum(c.tokens_cached or 0 for c in calls),
        cost=_cost(calls),
        history=_history(here, week),
    )
    if units is not None:
        expected = expected_in(units, channel)
        submitted = [
            r.issuer
            for r in rows.reviews
            if r.status == DONE and r.year == year and r.issuer and as_utc(r.created_at) <= now
        ]
        d.expected = len(expected)
        d.missing = _missing(
            [u for u in expected if not any(u.matches(i) for i in submitted)], year, week.sunday, config
        )
    return d


def _cost(calls: list[LLMCallRow]) -> dict[str, float]:
    cost: dict[str, float] = {}
    for c in calls:
        if c.cost is not None:
            cost[c.currency or ""] = cost.get(c.currency or "", 0.0) + c.cost
    return cost


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; the store writes UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _unit_of(r: ReviewRow) -> tuple[str, int | None]:
    return (name_key(r.issuer), r.year) if r.issuer else (f"#{r.id}", r.year)


def _latest_per_unit(reviews: Iterable[ReviewRow]) -> list[ReviewRow]:
    latest: dict[tuple[str, int | None], ReviewRow] = {}
    for r in sorted(reviews, key=lambda r: (as_utc(r.created_at), r.id)):
        latest[_unit_of(r)] = r
    return list(latest.values())


def _verdicts(reviews: Iterable[ReviewRow]) -> dict[str, int]:
    counts = Counter(r.verdict for r in reviews)
    return {v: counts[v] for v in VERDICTS}


def _still_wrong(reviews: list[ReviewRow], year: int, week_start: datetime) -> list[StillWrong]:
    """Latest review per unit up to the week's end: of the report year, or reviewed this week."""
    wrong = [
        (n_error, r)
        for r in _latest_per_unit(r for r in reviews if r.status == DONE)
        if (n_error := r.n_error) and (r.year == year or as_utc(r.created_at) >= week_start)
    ]
    wrong.sort(key=lambda pair: (-pair[0], pair[1].issuer or ""))
    return [
        StillWrong(
            issuer=r.issuer or r.file_name or "（未识别发布机关）",
            year=r.year,
            n_error=n_error,
            n_warning=r.n_warning or 0,
            reviewed_at=as_utc(r.created_at).astimezone(TZ),
            thread_ts=r.thread_ts,
            reply_ts=r.reply_ts,
        )
        for n_error, r in wrong
    ]


def _rules(findings: list[FindingRow], review_ids: set[int]) -> list[RuleCount]:
    """Counted by unit (a unit's latest review of the week), so three uploads of one report count once."""
    units: dict[str, set[int]] = defaultdict(set)
    count: Counter[str] = Counter()
    severity: dict[str, str] = {}
    for f in findings:
        if f.review_id in review_ids:
            units[f.rule].add(f.review_id)
            count[f.rule] += 1
            severity[f.rule] = min(
                severity.get(f.rule, f.severity), f.severity, key=SEVERITY_ORDER.__getitem__
            )
    ranked = sorted(
        count, key=lambda rule: (-len(units[rule]), -count[rule], SEVERITY_ORDER[severity[rule]], rule)
    )
    return [
        RuleCount(rule=rule, severity=severity[rule], units=len(units[rule]), findings=count[rule])
        for rule in ranked
    ]


def _history(reviews: list[ReviewRow], week: Week) -> list[WeekVerdicts]:
    weeks = [week.shift(-n) for n in range(HISTORY_WEEKS - 1, -1, -1)]
    return [
        WeekVerdicts(
            week=str(w),
            verdicts=_verdicts(
                r for r in reviews if r.status == DONE and w.start() <= as_utc(r.created_at) < w.end()
            ),
        )
        for w in weeks
    ]


def _missing(units: list[Unit], year: int, day: date, config: Config) -> list[Missing]:
    by_deadline: dict[date, list[str]] = defaultdict(list)
    for u in units:
        by_deadline[deadline_for(u.name, year, config)].append(u.name)
    return [
        Missing(deadline=d, days_left=(d - day).days, units=names) for d, names in sorted(by_deadline.items())
    ]


# -- reading the store ------------------------------------------------------------------------------


def read_rows(store: Store, channel: str, week: Week, now: datetime, year: int | None = None) -> Rows:
    """Finished reviews since the chart's first week, or of the report year (for units still wrong and
    for submissions, in any channel), with the findings and LLM calls of this channel's week."""
    year = year or report_year(week.sunday)
    since = week.shift(-(HISTORY_WEEKS - 1)).start()
    with store.session() as s:
        reviews = list(
            s.scalars(
                select(ReviewRow)
                .options(defer(ReviewRow.review_json))
                .where(
                    ReviewRow.status.in_((DONE, FAILED)),
                    ReviewRow.created_at < max(week.end(), now.astimezone(UTC)),
                    or_(ReviewRow.created_at >= since, ReviewRow.year == year),
                )
            )
        )
        start, end = week.start(), week.end()
        ids = [r.id for r in reviews if r.channel == channel and start <= as_utc(r.created_at) < end]
        findings = list(s.scalars(select(FindingRow).where(FindingRow.review_id.in_(ids))))
        calls = list(s.scalars(select(LLMCallRow).where(LLMCallRow.review_id.in_(ids))))
    return Rows(reviews, findings, calls)


def active_channels(store: Store, week: Week, units: list[Unit] | None = None) -> list[str]:
    """The channels a digest goes to by default: those with reviews (done or failed, as the digest
    counts them: not ignored images) in the chart's weeks, and those the units list names (so an
    empty week is still reported where units are expected)."""
    since = week.shift(-(HISTORY_WEEKS - 1)).start()
    with store.session() as s:
        channels = set(
            s.scalars(
                select(ReviewRow.channel)
                .distinct()
                .where(
                    ReviewRow.status.in_((DONE, FAILED)),
                    ReviewRow.created_at >= since,
                    ReviewRow.created_at < week.end(),
                )
            )
        )
    return sorted(channels | {u.channel for u in units or () if u.channel})
