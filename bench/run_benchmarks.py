"""Speed of the deterministic review (issue: "Deterministic review core"). Run by hand:

    .venv/bin/python bench/run_benchmarks.py [--batch 500]

Prints one line per measure with its target; the README quotes the figures.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_startup import TARGET, startup_ratio  # noqa: E402

from nianbao.review import review_bytes  # noqa: E402

SEED_TXT = ROOT / "tests/fixtures/seeds/004_ad630df0648df120.txt"
GENERATED = ROOT / "tests/fixtures/generated"


def in_process(path: Path, runs: int) -> float:
    data = path.read_bytes()
    review_bytes(data, path.name)  # warm: imports, regex compilation
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        review_bytes(data, path.name)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def pdf_ratios(runs: int) -> list[tuple[str, float]]:
    """Review time of each fixture PDF ÷ the time pdfplumber alone takes to list its characters:
    a ratio, so the figure means the same on a faster or a busier machine. The two are timed in
    turns and the median of the pairs' ratios is kept, so a slow spell of the machine (a busy
    neighbour on a shared core) falls on both sides of a pair."""
    import pdfplumber

    def chars(data: bytes) -> None:
        with pdfplumber.open(BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.chars  # noqa: B018 - parsing the page is what is measured

    out = []
    for path in sorted(GENERATED.glob("*.pdf")):
        data = path.read_bytes()
        review_bytes(data, path.name)  # warm
        pairs = [
            _timed(lambda d=data, n=path.name: review_bytes(d, n)) / _timed(lambda d=data: chars(d))
            for _ in range(runs)
        ]
        out.append((path.name, statistics.median(pairs)))
    return out


def _timed(fn) -> float:
    """One run, the garbage collector off as timeit has it (its pauses fall on whichever side runs)."""
    gc.collect()
    gc.disable()
    try:
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t
    finally:
        gc.enable()


def batch(n: int, jobs: int) -> tuple[float, float]:
    """n reports in one folder, mixed formats as they arrive in January (mostly Word and web pages)."""
    sources = (
        sorted(GENERATED.glob("*.docx"))
        + sorted(GENERATED.glob("*.html"))
        + sorted((ROOT / "tests/fixtures/seeds").glob("*.txt"))
        + sorted(GENERATED.glob("*.pdf"))[:2]
    )
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            src = sources[i % len(sources)]
            shutil.copy(src, Path(tmp) / f"{i:04d}{src.suffix}")
        t = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "nianbao",
                "review",
                tmp,
                "--no-llm",
                "--jobs",
                str(jobs),
                "--format",
                "json",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        elapsed = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.pop("OPENAI_API_KEY", None)
    os.environ.pop("OPENAI_BASE_URL", None)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"seed .txt in-process      {in_process(SEED_TXT, args.runs):8.1f} ms   (target < 30 ms)")
    print(
        f"seed .docx in-process     {in_process(GENERATED / '004.docx', args.runs):8.1f} ms   (target < 100 ms)"
    )
    pdf = GENERATED / "001-large.pdf"  # seed 001 in large print: 6 pages, table 三 over two
    print(f"6-page .pdf in-process    {in_process(pdf, max(3, args.runs // 5)):8.1f} ms   (target < 1500 ms)")
    ratios = pdf_ratios(max(3, args.runs // 5))
    print(
        "PDF review ÷ pdfplumber listing the characters (target ≤ 0.25): "
        + ", ".join(f"{name} {ratio:.2f}" for name, ratio in ratios)
        + f"; median {statistics.median(r for _, r in ratios):.2f}"
    )
    ratio, review, bare = startup_ratio(args.runs)
    print(
        f"whole process, seed .txt  {review:8.2f} s    = {ratio:.1f} × `python -c pass` ({bare * 1000:.0f} ms; "
        f"target ≤ {TARGET:g} ×)"
    )
    elapsed, peak = batch(args.batch, 2)
    print(f"{args.batch} mixed reports, --jobs 2 {elapsed:6.1f} s    (target < 120 s)")
    print(f"peak memory (largest process) {peak:5.0f} MB  (target < 300 MB)")


if __name__ == "__main__":
    main()
