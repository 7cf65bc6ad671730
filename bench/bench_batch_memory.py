"""Memory of a streaming batch (issue 14): peak RSS of the main process of ``nianbao review DIR`` at
100, 2,000 and 20,000 reports, which should stay within 10 % of the 100-report figure. Run by hand:

    .venv/bin/python bench/bench_batch_memory.py [--sizes 100 2000 20000] [--jobs 2] [--format json]

Each size gets a temporary folder of that many reports — hard links to the five seed reports
(.txt, the cheapest to read: the batch's own overhead is what is measured) — reviewed with
``--no-llm`` in a fresh process whose output goes to /dev/null. The main process reports its own
peak RSS on exit (``getrusage(RUSAGE_SELF)``), and the largest of its workers' (``RUSAGE_CHILDREN``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests/fixtures/seeds").glob("*.txt"))

# runs the command in-process, then prints the peak RSS of this (the main) process and of its
# largest worker, in KiB (Linux), on stderr's last line
_MEASURED = """
import atexit, resource, sys
def peaks():
    main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"PEAK {main} {workers}", file=sys.stderr)
atexit.register(peaks)
from nianbao.cli import main
sys.argv = ["nianbao", *sys.argv[1:]]
main()
"""


def build(folder: Path, count: int) -> None:
    for i in range(count):
        os.link(SEEDS[i % len(SEEDS)], folder / f"{i:06d}.txt")


def measure(count: int, jobs: int, fmt: str) -> tuple[float, float, float, str]:
    with tempfile.TemporaryDirectory(prefix="nianbao-batch-") as tmp:
        folder = Path(tmp)
        build(folder, count)
        out = folder / f"out.{fmt}" if fmt == "xlsx" else None
        args = [
            sys.executable,
            "-c",
            _MEASURED,
            "review",
            str(folder),
            "--no-llm",
            "--jobs",
            str(jobs),
            "-f",
            fmt,
            *(["-o", str(out)] if out else []),
        ]
        start = time.monotonic()
        proc = subprocess.run(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT, check=False
        )
        seconds = time.monotonic() - start
    lines = proc.stderr.strip().splitlines()
    main_kib, workers_kib = map(int, lines[-1].split()[1:])
    return seconds, main_kib / 1024, workers_kib / 1024, lines[-2] if len(lines) > 1 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 2000, 20000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--format", default="json", choices=["text", "json", "jsonl", "markdown", "csv", "xlsx"]
    )
    args = parser.parse_args()
    print(
        f"{'reports':>8} {'seconds':>8} {'main MB':>8} {'vs first':>8} {'worker MB':>9}  summary", flush=True
    )
    first = None
    for count in args.sizes:
        seconds, main_mb, worker_mb, said = measure(count, args.jobs, args.format)
        first = first or main_mb
        print(
            f"{count:8,} {seconds:8.1f} {main_mb:8.1f} {main_mb / first - 1:+8.1%} {worker_mb:9.1f}  {said}",
            flush=True,
        )


if __name__ == "__main__":
    main()
