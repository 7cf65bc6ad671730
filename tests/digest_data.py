"""A store with a known January for the digest tests, and the frozen clock they share.

Channel C111, week 2027-W02 (Mon 11 – Sun 17 January, Beijing time), report year 2026:
- 金岭回族镇 reviewed (fail, 2 errors), then re-reviewed (fail, 1 error, 1 fixed);
- 临淄区财政局 passes (2 LLM calls); 临淄区教育局 has a warning; one file could not be reviewed.
Around it: 临淄区卫健委 failed in W01 and was not re-submitted; 临淄区民政局 was reviewed in C222;
临淄区住房和城乡建设局 was reviewed on Monday morning after the week, before the digest runs;
临淄区自然资源局 only has last season's report.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.digest import Week
from bot.store import DONE, FAILED, FindingRow, LLMCallRow, ReviewRow, Store

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 1, 18, 9, 0, tzinfo=BEIJING)  # Monday: the digest of W02 is due
WEEK = Week(2027, 2)
UNITS = """单位名称,频道
金岭回族镇人民政府
临淄区财政局
临淄区民政局
临淄区住房和城乡建设局,C111
临淄区应急管理局
临淄区自然资源局
临淄区人民政府
临淄区商务局,C222
"""
_ids = itertools.count(1)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2027, 1, day, hour, tzinfo=BEIJING)


def slack_ts(moment: datetime, plus_seconds: int = 0) -> str:
    return f"{moment.timestamp() + plus_seconds:.6f}"


def add_review(
    store: Store,
    created_at: datetime,
    issuer: str | None,
    verdict: str | None = "pass",
    *,
    channel: str = "C111",
    year: int | None = 2026,
    n_error: int = 0,
    n_warning: int = 0,
    status: str = DONE,
    previous_id: int | None = None,
    n_fixed: int | None = None,
    findings: tuple[tuple[str, str], ...] = (),
    calls: tuple[tuple[int, int, bool], ...] = (),
) -> int:
    n = next(_ids)
    created_at = created_at.astimezone(UTC)  # as the store writes it (SQLite keeps no offset)
    row = ReviewRow(
        dedup_key=f"test:{n}",
        kind="file",
        status=status,
        created_at=created_at,
        channel=channel,
        thread_ts=slack_ts(created_at),
        reply_ts=slack_ts(created_at, 1),
        file_name=f"{n}.docx",
        issuer=issuer,
        year=year,
        verdict=verdict,
        n_error=n_error,
        n_warning=n_warning,
        n_info=0,
        previous_id=previous_id,
        n_fixed=n_fixed,
        findings=[FindingRow(rule=r, severity=sev, source="rule", message="…") for r, sev in findings],
        llm_calls=[
            LLMCallRow(model="m", prompt="p@1", tokens_in=i, tokens_out=o, ok=ok, created_at=created_at)
            for i, o, ok in calls
        ],
    )
    with store.session.begin() as s:
        s.add(row)
    return row.id


def seed_january(store: Store) -> None:
    first = add_review(
        store,
        at(11),
        "临淄区金岭回族镇",
        "fail",
        n_error=2,
        n_warning=1,
        findings=(
            ("personal-info-exposed", "error"),
            ("personal-info-exposed", "error"),
            ("section5-weak", "warning"),
        ),
    )
    add_review(
        store,
        at(14),
        "临淄区金岭回族镇",
        "fail",
        n_error=1,
        n_warning=1,
        previous_id=first,
        n_fixed=1,
        findings=(("personal-info-exposed", "error"), ("section5-weak", "warning")),
    )
    add_review(store, at(12), "临淄区财政局", "pass", calls=((1200, 300, True), (800, 0, False)))
    add_review(store, at(13), "临淄区教育局", "warn", n_warning=1, findings=(("section5-weak", "warning"),))
    add_review(store, at(15), None, None, year=None, status=FAILED)
    add_review(
        store, at(6), "临淄区卫生健康局", "fail", n_error=3, findings=(("t3-balance-mismatch", "error"),)
    )
    add_review(store, at(12), "临淄区民政局", "pass", channel="C222")
    add_review(store, at(18, 8), "临淄区住房和城乡建设局", "pass")
    add_review(store, datetime(2026, 12, 14, tzinfo=BEIJING), "临淄区自然资源局", "pass", year=2025)
