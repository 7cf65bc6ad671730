"""One digest per channel and week, whoever posts it: on SQLite and, when NIANBAO_TEST_DATABASE_URL
is set, on PostgreSQL (each test in its own schema). Also the store itself on PostgreSQL."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from bot_harness import seed_txt
from digest_data import NOW, WEEK, seed_january
from fake_slack import FakeSlack
from slack_sdk import WebClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

import bot.digest_post
import bot.store
from bot.config import database_url
from bot.digest import TZ, Week, as_utc, compute, read_rows
from bot.digest_post import (
    ALREADY,
    BUSY,
    FAILED,
    POSTED,
    SKIPPED,
    STALE,
    claim,
    post_digest,
    run_digests,
    utc_now,
)
from bot.jobs import NOT_IN_CHANNEL
from bot.store import DONE, DigestRun, ReviewRow, Store
from nianbao.config import Config
from nianbao.review import review_bytes


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def small_chart(monkeypatch):
    """Drawing the chart is test_digest.py's business; here only its upload matters (and time)."""
    monkeypatch.setattr(bot.digest_post, "chart_png", lambda d: None if d.empty else b"\x89PNG chart")


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


def client_for(slack: FakeSlack) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url)


def digest(store, week=WEEK, now=NOW):
    return compute(read_rows(store, "C111", week, now), "C111", week, now, config=Config())


def post(store, slack, now=NOW, **kwargs):
    return run_digests(store, client_for(slack), WEEK, now, config=Config(), channels=["C111"], **kwargs)[0]


def test_the_store_works_on_this_backend(store):
    first = store.create("file:C111:F1", kind="file", channel="C111", thread_ts="1.1")
    assert first and store.create("file:C111:F1", kind="file", channel="C111") is None
    review = review_bytes(seed_txt("001"), "金岭2022.txt")
    store.save_review(store.start(first).id, review)
    store.finish(first, DONE)
    second = store.create("file:C111:F2", kind="file", channel="C111")
    assert store.previous("C111", "临淄区金岭回族镇", 2022, second).id == first
    assert (
        store.previous("C222", "临淄区金岭回族镇", 2022, second) is None
    )  # another channel's findings stay there
    assert store.get(first).review_json["findings"][0]["rule"] == review.findings[0].rule
    assert store.first_delivery("Ev1") and not store.first_delivery("Ev1")
    # the digest reads what the bot wrote
    created = as_utc(store.get(first).created_at)
    d = digest(store, Week.of(created.astimezone(TZ).date()), created + timedelta(minutes=1))
    assert (d.reviewed, d.verdicts["fail"], d.still_wrong[0].issuer) == (1, 1, "临淄区金岭回族镇")
    assert {r.rule for r in d.rules} == {f.rule for f in review.findings}


def test_exactly_one_process_takes_over_a_review_whose_owner_went_silent(db_url):
    stores = [Store(db_url) for _ in range(2)]
    lease = timedelta(minutes=3)
    alive = stores[0].create("file:C111:F1", owner="alive", kind="file", channel="C111")
    dead = stores[0].create("file:C111:F2", owner="dead", kind="file", channel="C111")
    with stores[0].session.begin() as s:
        s.get_one(ReviewRow, dead).heartbeat_at = utc_now() - 2 * lease
    assert [r.id for r in stores[1].abandoned(lease)] == [dead]
    assert not stores[1].take_over(alive, "p1", lease)
    assert [stores[1].take_over(dead, "p1", lease), stores[0].take_over(dead, "p0", lease)] == [True, False]
    assert stores[0].abandoned(lease) == []
    stores[1].release("p1")  # stopping: its unfinished reviews are free at once
    assert [r.id for r in stores[0].abandoned(lease)] == [dead]
    for s in stores:
        s.close()


def test_a_store_made_before_review_owners_gains_their_columns(db_url):
    Store(db_url).close()
    engine = create_engine(database_url(db_url))
    with engine.begin() as c:  # back to a store from before migrations (tests/test_migrations.py) and owners
        c.execute(text("DROP TABLE alembic_version"))
        c.execute(text("DROP TABLE llm_exchanges"))
        for table, column in (
            ("reviews", "claimed_by"),
            ("reviews", "heartbeat_at"),
            ("llm_calls", "tokens_cached"),
            ("llm_calls", "cost"),
            ("llm_calls", "currency"),
        ):
            c.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    engine.dispose()
    store = Store(db_url)
    assert store.create("file:C111:F1", owner="p0", kind="file", channel="C111")
    assert store.abandoned(timedelta(minutes=3)) == []
    store.close()


def test_an_unresponsive_postgresql_server_fails_instead_of_hanging(monkeypatch):
    """A server that takes the connection and never answers (a black-holing firewall, a hung host)."""
    monkeypatch.setattr(bot.store, "PG_CONNECT_TIMEOUT", 1)  # 10 s in production
    outcome: list[BaseException | Store] = []
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes the handshake; nobody ever reads or answers
        url = f"postgresql://u:p@127.0.0.1:{silent.getsockname()[1]}/x"

        def connect() -> None:
            try:
                outcome.append(Store(url))
            except BaseException as exc:
                outcome.append(exc)

        thread = threading.Thread(target=connect, daemon=True)
        thread.start()
        thread.join(15)
    assert outcome and isinstance(outcome[0], OperationalError), outcome or "still connecting after 15 s"


def test_a_second_run_for_the_same_week_posts_nothing(store, slack):
    seed_january(store)
    assert post(store, slack).status == POSTED
    again = post(store, slack, now=NOW + timedelta(hours=1))
    assert (again.status, again.message) == (ALREADY, "C111 2027-W02：周报已发送过，不再发送")
    assert len(slack.calls_to("chat.postMessage")) == 1 and len(slack.calls_to("upload")) == 1
    with store.session() as s:
        [run] = s.scalars(select(DigestRun))
    assert (run.channel, run.week, run.message_ts) == (
        "C111",
        "2027-W02",
        slack.calls_to("chat.postMessage")[0].result["ts"],
    )
    assert run.chart_id.startswith("FUP") and run.posted_at is not None


@pytest.mark.parametrize("crashed_before", [False, True], ids=["new", "taking-over-a-stale-claim"])
def test_two_processes_racing_for_the_same_week_post_once(db_url, slack, crashed_before):
    """Each side has its own engine (as two processes would); both claim at the same moment, a new
    (channel, week) or one whose claim a crashed run left behind."""
    stores = [Store(db_url) for _ in range(2)]
    seed_january(stores[0])
    weeks = [WEEK.shift(-n) for n in range(4)]
    digests = [digest(stores[0], week) for week in weeks]
    for d in digests:
        if crashed_before:
            claim(stores[0], "C111", d.week, NOW - STALE)
        barrier = threading.Barrier(2)
        outcomes = []

        def race(s, d=d, barrier=barrier, outcomes=outcomes):
            barrier.wait()
            outcomes.append(post_digest(s, client_for(slack), d, NOW).status)

        threads = [threading.Thread(target=race, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(outcomes) in ([ALREADY, POSTED], [BUSY, POSTED]), (d.week, outcomes)
    for s in stores:
        s.close()
    assert len(slack.calls_to("chat.postMessage")) == len(weeks)


def test_a_claim_left_by_a_crash_is_taken_over_once_it_is_stale(store, slack):
    seed_january(store)
    held, _ = claim(store, "C111", "2027-W02", NOW)  # then the process died
    assert held
    assert post(store, slack, now=NOW + timedelta(minutes=10)).status == BUSY
    assert slack.calls_to("chat.postMessage") == []
    assert post(store, slack, now=NOW + STALE).status == POSTED
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_run_that_died_after_posting_the_message_only_uploads_the_chart(store, slack):
    seed_january(store)
    _, run = claim(store, "C111", "2027-W02", NOW)
    with store.session.begin() as s:
        s.get_one(DigestRun, run.id).message_ts = "1799000000.000001"
    assert post(store, slack, now=NOW + STALE).status == POSTED
    assert slack.calls_to("chat.postMessage") == []
    assert slack.calls_to("files.completeUploadExternal")[0].params["thread_ts"] == "1799000000.000001"


def test_a_slack_failure_releases_the_claim_so_the_next_run_posts_at_once(store, slack):
    seed_january(store)
    slack.not_in_channel.add("C111")
    failed = post(store, slack)
    assert (failed.status, failed.message) == (FAILED, f"C111 2027-W02：{NOT_IN_CHANNEL}")
    slack.not_in_channel.clear()  # someone invited the bot
    assert post(store, slack, now=NOW + timedelta(minutes=1)).status == POSTED


def test_an_empty_week_posts_a_short_message_or_nothing_with_skip_empty(store, slack):
    skipped = post(store, slack, skip_empty=True)
    assert (skipped.status, slack.methods()) == (SKIPPED, [])
    assert post(store, slack).status == POSTED
    [message] = slack.calls_to("chat.postMessage")
    assert message.params["text"] == "📊 信息公开年报审阅周报 2027-W02（1月11日—1月17日）：本周没有审阅报告"
    assert "本周没有审阅报告。" in message.params["blocks"][1]["text"]["text"]
    assert slack.calls_to("upload") == []  # nothing to chart


def test_a_channel_that_fails_for_any_reason_costs_only_its_own_digest(tmp_path, slack, monkeypatch):
    store = Store(str(tmp_path / "bot.sqlite"))
    seed_january(store)  # reviews in C111 and C222; none in C333
    with store.engine.begin() as c:  # the database refuses C111's claim
        c.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON digest_runs WHEN NEW.channel = 'C111' "
                "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
            )
        )
    monkeypatch.setattr(bot.digest_post, "chart_png", lambda d: 1 / 0 if d.channel == "C222" else None)
    outcomes = run_digests(
        store, client_for(slack), WEEK, NOW, config=Config(), channels=["C111", "C222", "C333"]
    )
    assert [(o.channel, o.status) for o in outcomes] == [("C111", FAILED), ("C222", FAILED), ("C333", POSTED)]
    assert "无法读写数据库（IntegrityError）" in outcomes[0].message
    assert "内部错误（ZeroDivisionError）" in outcomes[1].message
    # C222's message was posted before the chart failed and its claim released: the next run adds the chart
    monkeypatch.setattr(bot.digest_post, "chart_png", lambda d: b"\x89PNG chart")
    again = run_digests(
        store, client_for(slack), WEEK, NOW + timedelta(minutes=1), config=Config(), channels=["C222"]
    )
    assert again[0].status == POSTED
    assert [c.params["channel"] for c in slack.calls_to("chat.postMessage")] == ["C222", "C333"]
    assert len(slack.calls_to("upload")) == 1
    store.close()
