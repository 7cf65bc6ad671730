"""Soak of the bot's HTTP mode (issue 10, "Hostile files and hostile peers"). Run by hand:

    .venv/bin/python bench/bench_http_soak.py [--bodies 20] [--idle 2000] [--events 3000] [--rate 100]

``nianbao serve --http`` runs as its own process with its default limits (docs/limits-bot.md), against
the tests' fake Slack on 127.0.0.1 and a SQLite store in a temporary folder; its memory is read from
/proc. tests/test_bot_hostile.py runs the same, smaller. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from bot_harness import (  # noqa: E402
    ServedProcess,
    idle_connections,
    is_closed,
    send_unsigned_body,
    serve_process,
    signed_events,
    soak_events,
)
from fake_slack import FakeSlack  # noqa: E402

from bot.app import EVENTS_PATH, HttpLimits  # noqa: E402

LIMITS = HttpLimits()


def unsigned_bodies(process: ServedProcess, count: int) -> str:
    """Half declare 1 GiB, half are chunked without a length; each client writes up to 64 MB."""
    start, refused = time.monotonic(), 0
    for i in range(count):
        status, _ = send_unsigned_body(process.port, None if i % 2 else 1 << 30, 64 << 20)
        refused += status.startswith("HTTP/1.1 413")
    return f"{refused}/{count} refused with 413 in {time.monotonic() - start:.1f} s"


def idle_flood(slack: FakeSlack, process: ServedProcess, count: int) -> str:
    """``count`` silent connections, then a signed /review help: how soon it is answered, and how many
    silent ones made room."""
    idle = idle_connections(process.port, count)
    try:
        start = time.monotonic()
        status, _ = slack.send_command(process.url, "help")
        answered = time.monotonic() - start
        closed = sum(is_closed(c) for c in idle)
    finally:
        for c in idle:
            c.close()
    return f"{status} in {answered * 1000:.0f} ms; {closed} of {count} idle connections closed to make room"


def slow_senders(process: ServedProcess, count: int) -> str:
    """``count`` clients sending a header line every second: when are they closed?"""
    conns = [socket.create_connection(("127.0.0.1", process.port), timeout=10) for _ in range(count)]
    for c in conns:
        c.sendall(f"POST {EVENTS_PATH} HTTP/1.1\r\n".encode())
    start, open_ = time.monotonic(), list(conns)
    while open_ and time.monotonic() - start < LIMITS.request_timeout + 5:
        for c in list(open_):
            try:
                c.sendall(b"X-Slow: 1\r\n")
            except OSError:
                open_.remove(c)
        open_ = [c for c in open_ if not is_closed(c)]
        time.sleep(1)
    for c in conns:
        c.close()
    return f"{count - len(open_)}/{count} closed after {time.monotonic() - start:.0f} s"


def burst(slack: FakeSlack, process: ServedProcess, count: int, rate: float, idle: int) -> tuple[str, str]:
    held = idle_connections(process.port, idle)
    try:
        start = time.monotonic()
        answers = signed_events(slack, process.url, soak_events(slack, count), per_second=rate, threads=16)
        took = time.monotonic() - start
    finally:
        for c in held:
            c.close()
    seconds = sorted(s for _, s in answers)
    ok = sum(status == 200 for status, _ in answers)
    latency = (
        f"median {statistics.median(seconds) * 1000:.0f} ms, p95 {seconds[int(0.95 * len(seconds))] * 1000:.0f}"
        f" ms, max {seconds[-1] * 1000:.0f} ms"
    )
    return f"{ok}/{count} answered 200 in {took:.1f} s, {idle} idle connections held", latency


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bodies", type=int, default=20, help="unsigned large bodies")
    parser.add_argument("--idle", type=int, default=2000, help="idle connections at once (limit: 1000)")
    parser.add_argument("--slow", type=int, default=200, help="clients trickling their headers")
    parser.add_argument("--events", type=int, default=3000, help="signed events")
    parser.add_argument("--rate", type=float, default=100, help="signed events a second")
    args = parser.parse_args()
    rows = []
    with (
        FakeSlack() as slack,
        tempfile.TemporaryDirectory() as tmp,
        serve_process(slack, Path(tmp)) as process,
    ):
        signed_events(slack, process.url, soak_events(slack, 50), per_second=100)  # warm up
        start_rss = process.rss_mb()
        rows.append(("resident memory after warm-up", f"{start_rss:.0f} MB", ""))
        rows.append(
            ("unsigned large bodies", unsigned_bodies(process, args.bodies), f"{process.rss_mb():.0f} MB")
        )
        rows.append(
            (
                "idle flood, then a signed request",
                idle_flood(slack, process, args.idle),
                f"{process.rss_mb():.0f} MB",
            )
        )
        rows.append(("slow senders", slow_senders(process, args.slow), f"{process.rss_mb():.0f} MB"))
        answered, latency = burst(
            slack, process, args.events, args.rate, min(args.idle, LIMITS.connections) // 2
        )
        rows.append((f"signed events at {args.rate:g}/s", answered, f"{process.rss_mb():.0f} MB"))
        rows.append(("acknowledgement time", latency, ""))
        rows.append(
            (
                "resident memory: end − after warm-up, peak",
                f"{process.rss_mb() - start_rss:+.1f} MB",
                f"peak {process.rss_mb(peak=True):.0f} MB",
            )
        )
        log = process.log.read_text(errors="replace")
        rows.append(("server log", f"{log.count('Traceback')} tracebacks, {log.count(' ERROR ')} errors", ""))
    print("| phase | result | server RSS after |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
