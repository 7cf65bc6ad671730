"""``nianbao serve --digest "MON 09:00"``: a thread that posts the weekly digests at that time, in
Asia/Shanghai unless the schedule names a zone ("MON 01:00 UTC"; the weeks stay Beijing weeks). It
posts through the same claim as ``nianbao digest --post``, so several bot processes, or the bot and
a cron job, post each digest once. At start it posts the digest of the last scheduled time in case
that one was missed (the bot was down): the claim makes this a no-op when it was not.

Cron is the recommended trigger (docs/slack.md); this is for single-process deployments without one.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nianbao.config import Config

from .config import Settings
from .digest import TZ, Week
from .digest_post import FAILED, run_digests, utc_now
from .store import Store
from .units import Unit

log = logging.getLogger(__name__)

DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
STOP_TIMEOUT = 30.0


@dataclass(frozen=True)
class Schedule:
    weekday: int  # 0 = Monday
    at: time
    tz: ZoneInfo = TZ

    @classmethod
    def parse(cls, text: str) -> Schedule:
        """ "MON 09:00", optionally followed by an IANA time zone; ValueError (Chinese) otherwise."""
        m = re.fullmatch(r"([A-Za-z]{3})\s+(\d{1,2}):(\d{2})(?:\s+(\S+))?", text.strip())
        if not m or m[1].upper() not in DAYS or int(m[2]) > 23 or int(m[3]) > 59:
            raise ValueError(
                f'--digest「{text}」无效：应为 星期 时:分，例如 "MON 09:00"（星期用 {"/".join(DAYS)}）'
            )
        try:
            tz = ZoneInfo(m[4]) if m[4] else TZ
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"--digest：未知的时区「{m[4]}」，例如 Asia/Shanghai") from None
        return cls(DAYS.index(m[1].upper()), time(int(m[2]), int(m[3])), tz)

    def last_at_or_before(self, now: datetime) -> datetime:
        local = now.astimezone(self.tz)
        day = local.date() - timedelta(days=(local.weekday() - self.weekday) % 7)
        fire = datetime.combine(day, self.at, self.tz)
        return fire if fire <= local else fire - timedelta(weeks=1)

    def next_after(self, now: datetime) -> datetime:
        return self.last_at_or_before(now) + timedelta(weeks=1)

    def week_of(self, fire: datetime) -> Week:
        """The digest sent at ``fire`` covers the last full week (in Beijing time) before it."""
        return Week.last_completed(fire)


class DigestScheduler:
    """Calls ``job(week)`` at every scheduled time until stopped; a failing job is logged, never fatal.
    ``on_stop`` runs once the thread has ended (closing what the job uses)."""

    def __init__(
        self,
        schedule: Schedule,
        job: Callable[[Week], object],
        clock: Callable[[], datetime],
        on_stop: Callable[[], object] | None = None,
    ):
        self.schedule, self.job, self.clock, self.on_stop = schedule, job, clock, on_stop
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self.run, name="digest", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """A digest being posted is given ``timeout`` seconds to finish."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self.on_stop is not None:
            self.on_stop()

    def run(self, wait: Callable[[float], bool] | None = None) -> None:
        """``wait(seconds)`` returns True to stop (tests pass one that moves a fake clock instead)."""
        wait = wait or self._stop.wait
        fire = self.schedule.last_at_or_before(self.clock())
        self._fire(fire)  # catch up on a digest missed while the bot was down
        while True:
            fire = self.schedule.next_after(max(self.clock(), fire))  # a timer may wake a little early
            if wait(max(0.0, (fire - self.clock()).total_seconds())):
                return
            self._fire(fire)

    def _fire(self, fire: datetime) -> None:
        week = self.schedule.week_of(fire)
        try:
            self.job(week)
        except Exception:
            log.exception("weekly digest %s failed", week)


def start_digests(
    schedule: Schedule,
    settings: Settings,
    config: Config,
    units: list[Unit] | None,
    clock: Callable[[], datetime] = utc_now,
) -> DigestScheduler:
    """The scheduler thread of ``nianbao serve``, with its own store connection and Web API client."""
    from .app import make_client

    store, client = Store(settings.database_url), make_client(settings)

    def job(week: Week) -> None:
        for outcome in run_digests(store, client, week, clock(), config=config, units=units):
            log.log(logging.WARNING if outcome.status == FAILED else logging.INFO, "%s", outcome.message)

    scheduler = DigestScheduler(schedule, job, clock, on_stop=store.close)
    scheduler.start()
    log.info(
        "weekly digest: %s %s %s", DAYS[schedule.weekday], schedule.at.strftime("%H:%M"), schedule.tz.key
    )
    return scheduler
