"""Speed of the Slack bot (issue: "Slack bot"). Run by hand:

    NO_PROXY=127.0.0.1,localhost .venv/bin/python bench/bench_bot.py [--acks 200] [--shares 20] [--burst 50]

The real app behind its HTTP adapter on 127.0.0.1, signed requests, a fake Slack Web API (the one the
tests use), a SQLite store in a temporary folder, no LLM (the heuristic narrative review). Prints a
Markdown table; docs/slack.md quotes the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
for var in [v for v in os.environ if v.startswith(("SLACK_", "OPENAI_"))]:
    del os.environ[var]  # a real token or LLM must not leak into a benchmark

from bot_harness import seed_docx, serving, settings_for  # noqa: E402
from fake_slack import FakeSlack  # noqa: E402

from nianbao.narrative import make_reviewer  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def acks(h, n: int) -> list[float]:
    """Client-side round trip of signed ``/review`` requests: signature check, parse, ack, enqueue."""
    times = []
    for i in range(n):
        text = "help" if i % 2 else "http://127.0.0.1:9/report.docx"  # the URL job is refused later: loopback
        t = time.perf_counter()
        status, _ = h.slack.send_command(h.url, text)
        times.append(time.perf_counter() - t)
        assert status == 200
    h.wait_idle(count=n // 2, timeout=120)
    return times


def first_message(h, n: int) -> list[float]:
    """From sending the file-share event to the fake receiving the thread's summary message."""
    data, times = seed_docx(), []
    for i in range(n):
        f = h.slack.share_file(f"bench{i}.docx", data)
        before = len(h.slack.calls_to("chat.postMessage"))
        t = time.perf_counter()
        h.slack.send_event(h.url, h.slack.file_share_event(f))
        post = h.slack.wait_for("chat.postMessage", before + 1, timeout=30)[before]
        assert post.params["thread_ts"] == f.ts
        times.append(post.at - t)
    return times


def burst(h, n: int) -> tuple[float, int, int]:
    """``n`` shares at once, each delivered as both events plus a Slack retry of the first."""
    files = [h.slack.share_file(f"burst{i}.docx", seed_docx()) for i in range(n)]
    deliveries = []
    for i, f in enumerate(files):
        message = h.slack.file_share_event(f)
        deliveries += [
            (message, f"EvM{i}", None),
            (h.slack.file_shared_event(f), f"EvF{i}", None),
            (message, f"EvM{i}", 1),
        ]
    before = len(h.slack.calls_to("chat.postMessage"))
    t = time.perf_counter()
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda d: h.slack.send_event(h.url, d[0], event_id=d[1], retry_num=d[2]), deliveries))
    h.slack.wait_for("chat.postMessage", before + n, timeout=300)
    elapsed = time.perf_counter() - t
    h.wait_idle(timeout=60)
    threads = [c.params["thread_ts"] for c in h.slack.calls_to("chat.postMessage")[before:]]
    wanted = {f.ts for f in files}
    answered_once = sum(1 for ts in wanted if threads.count(ts) == 1)
    return elapsed, answered_once, len(threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acks", type=int, default=200)
    parser.add_argument("--shares", type=int, default=20)
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        settings = settings_for(slack, Path(tmp) / "bench.sqlite", workers=args.workers)
        with serving(slack, settings, narrative=make_reviewer(no_llm=True)) as h:
            h.slack.send_command(h.url, "help")  # warm-up: imports, first connections
            first_message(h, 1)
            ack = sorted(acks(h, args.acks))
            first = sorted(first_message(h, args.shares))
            elapsed, once, posts = burst(h, args.burst)

    p95 = lambda xs: xs[min(len(xs) - 1, int(len(xs) * 0.95))]  # noqa: E731
    print("| measure | result | target |\n|---|---|---|")
    print(
        f"| `/review` acknowledgement, {len(ack)} signed HTTP requests | median {ms(statistics.median(ack))}, "
        f"p95 {ms(p95(ack))}, max {ms(ack[-1])} | < 100 ms |"
    )
    print(
        f"| file-share event → first thread message, seed .docx, no LLM, {len(first)} runs | "
        f"median {ms(statistics.median(first))}, p95 {ms(p95(first))}, max {ms(first[-1])} | < 2 s |"
    )
    print(
        f"| {args.burst} shares at once (×2 events + 1 retry each), {args.workers} workers | "
        f"{once}/{args.burst} answered exactly once ({posts} messages), all in {elapsed:.1f} s | all, once |"
    )


if __name__ == "__main__":
    main()
