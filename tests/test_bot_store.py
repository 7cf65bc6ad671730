"""The review history survives restarts: re-reviews compare with it (in the same channel), and a crash
mid-review is resumed or marked failed (and the user told) at the next start, without posting anything
twice; reviews another live process owns are left to it."""

from __future__ import annotations

import json
import queue
import re
import threading
from datetime import UTC, datetime, timedelta

from bot_harness import clear_slack_env, running_bot, seed_txt, serving, settings_for
from fake_slack import FakeSlack
from sqlalchemy import select

from bot.store import DONE, FindingRow, ReviewRow, Store
from bot.worker import INTERRUPTED, LEASE, Worker
from nianbao.review import review_bytes


def fixed_version() -> bytes:
    """Seed 001 with the personal mobile numbers replaced by the office number: one error fixed."""
    return re.sub(r"1[3-9]\d{9}", "0533-7480268", seed_txt("001").decode()).encode()


def test_history_survives_a_restart_and_a_re_review_shows_what_changed(tmp_path, monkeypatch):
    clear_slack_env(monkeypatch)
    db = tmp_path / "bot.sqlite"
    with FakeSlack() as slack:
        first = slack.share_file("金岭2022.txt", seed_txt("001"))
        with serving(slack, settings_for(slack, db)) as h:
            slack.send_event(h.url, slack.file_share_event(first))
            h.wait_idle()

        store = Store(f"sqlite:///{db}")
        with store.session() as s:
            [row] = s.scalars(select(ReviewRow))
            rules = sorted(s.scalars(select(FindingRow.rule).where(FindingRow.review_id == row.id)))
        store.close()
        assert (row.status, row.channel, row.thread_ts, row.user_id, row.issuer, row.year) == (
            "done",
            "C111",
            first.ts,
            "U111",
            "临淄区金岭回族镇",
            2022,
        )
        assert (row.verdict, row.n_error, row.n_warning, row.n_info) == ("fail", 1, 2, 2)
        assert row.created_at and row.reply_ts and len(row.sha256) == 64 and row.format == "txt"
        assert (
            rules == sorted(f["rule"] for f in row.review_json["findings"])
            and "personal-info-exposed" in rules
        )

        second = slack.share_file("金岭2022-修改.txt", fixed_version())
        again = slack.share_file("金岭2022-再发.txt", fixed_version())
        with serving(slack, settings_for(slack, db)) as h:
            slack.send_event(h.url, slack.file_share_event(second))
            h.wait_idle(count=2)
            slack.send_event(h.url, slack.file_share_event(again))
            rows = h.wait_idle(count=3)

    assert (rows[1].previous_id, rows[1].n_fixed, rows[1].n_new, rows[1].n_open) == (rows[0].id, 1, 0, 4)
    assert rows[2].previous_id == rows[1].id and (rows[2].n_fixed, rows[2].n_new) == (0, 0)
    posts = slack.calls_to("chat.postMessage")
    changes = posts[1].params["blocks"][2]["text"]["text"]  # right after the headline
    assert (
        "与上次审阅" in changes
        and "已修正 1 · 新增 0 · 仍存在 4" in changes
        and "~🔴 公开了个人手机号码" in changes
    )
    assert "文件内容与上次审阅的完全相同" in posts[2].params["blocks"][2]["text"]["text"]


def test_crashed_reviews_are_resumed_or_marked_failed_and_nothing_is_posted_twice(tmp_path, monkeypatch):
    clear_slack_env(monkeypatch)
    db = tmp_path / "bot.sqlite"
    with FakeSlack() as slack:
        running, queued, twice, posted = (slack.share_file(f"{n}.txt", seed_txt("001")) for n in "abcd")
        store = Store(f"sqlite:///{db}")

        def crashed(f, status, attempts, **fields):
            review_id = store.create(
                f"file:C111:{f.id}",
                kind="file",
                channel="C111",
                user_id="U111",
                file_id=f.id,
                file_name=f.name,
                message_ts=f.ts,
                thread_ts=f.ts,
            )
            store.update(review_id, status=status, attempts=attempts, **fields)
            return review_id

        crashed(running, "running", 1)
        crashed(queued, "queued", 0)
        crashed(twice, "running", 2)  # crashed on this one before: do not try a third time
        after_post = crashed(posted, "running", 1, reply_ts="1700000000.999999")  # posted, upload not done
        store.save_review(after_post, review_bytes(seed_txt("001"), "d.txt"))
        store.close()

        with serving(slack, settings_for(slack, db)) as h:
            rows = h.wait_idle(count=4)

    assert [(r.status, r.attempts) for r in rows] == [("done", 2), ("done", 1), ("failed", 2), ("done", 2)]
    assert rows[2].error == INTERRUPTED
    posts = {c.params["thread_ts"]: c.params for c in slack.calls_to("chat.postMessage")}
    assert set(posts) == {running.ts, queued.ts, twice.ts}  # nothing posted again for the fourth
    assert "服务重启后继续完成" in json.dumps(posts[running.ts]["blocks"], ensure_ascii=False)
    assert posts[twice.ts]["text"] == f"🚫 无法审阅「c.txt」：{INTERRUPTED}"
    assert {c.params["thread_ts"] for c in slack.calls_to("files.completeUploadExternal")} == {
        running.ts,
        queued.ts,
        posted.ts,
    }
    assert (
        slack.calls_to("download") and len(slack.calls_to("download")) == 2
    )  # the fourth was already reviewed


def test_old_event_ids_are_forgotten_at_start(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'bot.sqlite'}")
    assert store.first_delivery("Ev1") and not store.first_delivery("Ev1")
    store.forget_events(older_than=timedelta(0))
    assert store.first_delivery("Ev1")
    store.close()


def test_a_re_review_compares_only_with_reviews_in_the_same_channel(tmp_path, monkeypatch):
    """Channel A may be private: a re-review in channel B must not show A's findings."""
    with running_bot(tmp_path, monkeypatch) as h:
        slack = h.slack
        for n, (name, data, channel) in enumerate(
            (
                ("金岭2022.txt", seed_txt("001"), "C111"),
                ("金岭2022-修改.txt", fixed_version(), "C222"),
                ("金岭2022-再发.txt", fixed_version(), "C222"),
            ),
            1,
        ):
            slack.send_event(h.url, slack.file_share_event(slack.share_file(name, data, channel=channel)))
            rows = h.wait_idle(count=n)
    assert [r.channel for r in rows] == ["C111", "C222", "C222"]
    assert rows[1].previous_id is None and rows[2].previous_id == rows[1].id
    blocks = [json.dumps(c.params["blocks"], ensure_ascii=False) for c in slack.calls_to("chat.postMessage")]
    assert "与上次审阅" not in blocks[1] and "文件内容与上次审阅的完全相同" in blocks[2]


def test_reviews_a_live_process_owns_are_left_to_it_and_a_dead_ones_are_taken_over(tmp_path, monkeypatch):
    """Two replicas on one store: at start-up the bot resumes only reviews whose owner went silent."""
    clear_slack_env(monkeypatch)
    db = tmp_path / "bot.sqlite"
    with FakeSlack() as slack:
        live, dead = (
            slack.share_file("live.txt", seed_txt("001")),
            slack.share_file("dead.txt", seed_txt("001")),
        )
        store = Store(f"sqlite:///{db}")
        ids = []
        for f, owner, silent in ((live, "replica-2", timedelta(seconds=5)), (dead, "replica-3", 2 * LEASE)):
            ids.append(
                store.create(
                    f"file:C111:{f.id}",
                    owner=owner,
                    kind="file",
                    channel="C111",
                    file_id=f.id,
                    file_name=f.name,
                    message_ts=f.ts,
                    thread_ts=f.ts,
                )
            )
            store.update(ids[-1], status="running", attempts=1, heartbeat_at=datetime.now(UTC) - silent)
        store.close()
        with serving(slack, settings_for(slack, db)) as h:
            rows = h.wait_finished(ids[1])
    assert (rows[ids[1]].status, rows[ids[1]].attempts) == ("done", 2)
    assert (rows[ids[0]].status, rows[ids[0]].claimed_by) == ("running", "replica-2")  # still replica-2's
    assert [c.params["thread_ts"] for c in slack.calls_to("chat.postMessage")] == [dead.ts]


class BlockingRunner:
    """Stands in for the Slack side: records which reviews it was given and holds them until released."""

    def __init__(self):
        self.started: queue.Queue = queue.Queue()
        self.release = threading.Event()

    def run(self, row, job) -> str:
        self.started.put((row.id, job.resumed))
        self.release.wait(30)
        return DONE

    def tell_failure(self, row, reason, job) -> None:
        pass


def test_heartbeats_keep_a_running_review_and_silence_loses_it(tmp_path):
    """Without a restart: a process's heartbeat thread takes over a review once its owner is silent."""
    store = Store(f"sqlite:///{tmp_path / 'bot.sqlite'}")
    lease = timedelta(seconds=1)
    runners = [BlockingRunner() for _ in range(3)]
    alive = Worker(store, runners[0], 1, heartbeat=0.05, lease=timedelta(hours=1))  # takes nothing over
    mute = Worker(store, runners[1], 1, heartbeat=3600, lease=timedelta(hours=1))  # as if it had died
    other = Worker(store, runners[2], 1, heartbeat=0.05, lease=lease)
    workers = [alive, mute, other]
    for w in workers:
        w.start()
    try:
        kept = alive.enqueue("file:C111:F1", kind="file", channel="C111")
        lost = mute.enqueue("file:C111:F2", kind="file", channel="C111")
        assert runners[0].started.get(timeout=5) == (kept, False)
        assert runners[1].started.get(timeout=5) == (lost, False)
        assert runners[2].started.get(timeout=10) == (
            lost,
            True,
        )  # after the lease, by other's heartbeat thread
        # other's sweep took abandoned rows in id order: ``kept`` would have gone first had it been silent
        assert store.get(kept).claimed_by == alive.owner and store.get(lost).claimed_by == other.owner
    finally:
        for r in runners:
            r.release.set()
        for w in workers:
            w.stop()
    assert {store.get(i).status for i in (kept, lost)} == {DONE}
    store.close()
