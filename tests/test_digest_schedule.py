"""``nianbao serve --digest "MON 09:00"``: when the scheduler fires and which week it posts, with a
fake clock that the scheduler's wait moves forward (no sleeping)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from bot_harness import clear_slack_env
from digest_data import BEIJING, NOW, seed_january
from fake_slack import FakeSlack
from typer.testing import CliRunner

import bot.digest_post
from bot.config import Settings
from bot.digest import Week
from bot.digest_schedule import DigestScheduler, Schedule, start_digests
from bot.store import Store
from nianbao.cli import app
from nianbao.config import Config


def test_parse():
    assert Schedule.parse("MON 09:00") == Schedule(0, time(9, 0), BEIJING)
    assert Schedule.parse(" fri 17:30 Europe/Paris ") == Schedule(4, time(17, 30), ZoneInfo("Europe/Paris"))
    for bad, message in (
        ("MONDAY 9", "应为 星期 时:分"),
        ("MON 24:00", "应为 星期 时:分"),
        ("MON 09:00 Mars/Base", "未知的时区「Mars/Base」"),
    ):
        with pytest.raises(ValueError, match=message):
            Schedule.parse(bad)


def test_fire_times_and_the_week_each_one_posts():
    monday9 = Schedule.parse("MON 09:00")
    assert monday9.next_after(NOW - timedelta(seconds=1)) == NOW
    assert monday9.next_after(NOW) == NOW + timedelta(weeks=1)
    assert monday9.last_at_or_before(NOW + timedelta(days=3)) == NOW
    assert monday9.week_of(NOW) == Week(2027, 2)  # the week that ended the night before
    utc_sunday_night = datetime(2027, 1, 18, 0, 30, tzinfo=ZoneInfo("UTC"))  # already Monday in Beijing
    assert monday9.next_after(utc_sunday_night) == NOW


def test_the_scheduler_catches_up_then_fires_every_week_and_survives_a_failing_job():
    clock = [NOW + timedelta(days=2, hours=5)]  # started on Wednesday: Monday's digest may have been missed
    weeks: list[Week] = []

    def job(week: Week) -> None:
        weeks.append(week)
        if len(weeks) == 2:
            raise RuntimeError("Slack is down")  # logged; the next week still runs

    def wait(seconds: float) -> bool:
        clock[0] += timedelta(seconds=seconds)
        assert clock[0].astimezone(BEIJING).strftime("%a %H:%M") == "Mon 09:00"
        return len(weeks) == 3

    DigestScheduler(Schedule.parse("MON 09:00"), job, lambda: clock[0]).run(wait)
    assert weeks == [Week(2027, 2), Week(2027, 3), Week(2027, 4)]


def test_serve_rejects_a_bad_schedule_before_starting(monkeypatch):
    clear_slack_env(monkeypatch)
    result = CliRunner().invoke(app, ["serve", "--digest", "every monday"])
    assert result.exit_code == 2 and "--digest「every monday」无效" in result.stderr


def test_serve_starts_the_scheduler_thread_which_posts_through_the_claim(tmp_path, monkeypatch):
    """The thread start_digests makes: a catch-up post at start (the bot was down on Monday)."""
    monkeypatch.setattr(bot.digest_post, "chart_png", lambda d: b"\x89PNG chart")  # drawn in test_digest.py
    db = tmp_path / "bot.sqlite"
    store = Store(str(db))
    seed_january(store)
    store.close()
    with FakeSlack() as slack:
        settings = Settings(bot_token=slack.bot_token, api_url=slack.api_url, database_url=f"sqlite:///{db}")
        scheduler = start_digests(
            Schedule.parse("MON 09:00"), settings, Config(), None, clock=lambda: NOW + timedelta(days=1)
        )
        try:
            slack.wait_for("files.completeUploadExternal", count=2)  # C111 and C222 were active
        finally:
            scheduler.stop()
    assert sorted(c.params["channel"] for c in slack.calls_to("chat.postMessage")) == ["C111", "C222"]
