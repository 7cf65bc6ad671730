"""Start-up cost of the command line (issue 12, "Fast start"). Run by hand:

    .venv/bin/python bench/bench_startup.py [--runs 40]

``nianbao review seed.txt --no-llm`` as a whole process, divided by ``python -c pass`` of the
same interpreter: a ratio, so the figure means the same on a faster or a busier machine. The two
are run in turns and the median of the pairs' ratios is kept, so a slow spell of a shared core
falls on both sides of a pair. Target: at most 5. ``--imports`` adds the slowest imports of one
run (``python -X importtime``), to see where the time goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "tests/fixtures/seeds/004_ad630df0648df120.txt"
REVIEW = [sys.executable, "-m", "nianbao", "review", str(SEED_TXT), "--no-llm"]
BARE = [sys.executable, "-c", "pass"]
TARGET = 5.0


@cache
def _env() -> dict[str, str]:
    """No LLM settings; bytecode cached as in any installed copy (``PYTHONDONTWRITEBYTECODE`` would
    make every run compile every module again), in a folder of its own rather than in the tree."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI", "NIANBAO")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="nianbao-bench-pyc-")
    return env


def _timed(command: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(), cwd=ROOT, check=False
    )
    return time.perf_counter() - t


def startup_ratio(runs: int) -> tuple[float, float, float]:
    """(median ratio, median review seconds, median ``python -c pass`` seconds)."""
    _timed(REVIEW)  # write the bytecode once, outside the measure
    _timed(BARE)
    pairs = [(_timed(REVIEW), _timed(BARE)) for _ in range(runs)]
    return (
        statistics.median(r / b for r, b in pairs),
        statistics.median(r for r, _ in pairs),
        statistics.median(b for _, b in pairs),
    )


def slowest_imports(count: int) -> list[tuple[int, str]]:
    """The top-level imports (and their cumulative µs) of one review, slowest first."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *REVIEW[1:]],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        check=False,
    )
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|")
            if cumulative.strip().isdigit() and not name.startswith("  "):  # top level: no indentation
                rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--imports", action="store_true", help="also list the slowest top-level imports")
    args = parser.parse_args()
    ratio, review, bare = startup_ratio(args.runs)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {args.runs} pairs")
    print(
        f"`nianbao review seed.txt --no-llm` {review * 1000:6.0f} ms, `python -c pass` {bare * 1000:4.0f} ms: "
        f"ratio {ratio:.1f} (target ≤ {TARGET:g})"
    )
    if args.imports:
        for micros, name in slowest_imports(12):
            print(f"  {micros / 1000:6.1f} ms  {name}")


if __name__ == "__main__":
    main()
