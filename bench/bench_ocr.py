"""A 6-page scanned report reviewed cold (nothing in the OCR cache) and warm (every page cached).
Run by hand:

    .venv/bin/python bench/bench_ocr.py [--runs N]

The scan is seed 001 printed large (``tests/fixtures/generated/001-large.pdf``, 6 pages) rendered at
300 dpi and wrapped as an image-only PDF, as ``scripts/make_scans.py`` makes its scans. Each run is
``nianbao review SCAN --no-llm --format json`` in a fresh process with a fresh cache directory. OCR
shares the cores with everything else running: the load average at the start is printed, and the
CPU seconds, which depend less on it. ``NIANBAO_OCR_THREADS`` in the environment is passed on (pages
read at once; every CPU by default).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests/fixtures/generated/001-large.pdf"


def review(scan: Path, cache: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds (the CPU figure does not depend on what else the machine runs)."""
    env = {**os.environ, "NIANBAO_OCR_CACHE": str(cache)}
    env.pop("NIANBAO_OCR", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nianbao",
            "review",
            str(scan),
            "--no-llm",
            "--format",
            "json",
            "--timeout",
            "900",
        ],
        capture_output=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"review failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_scans

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="cold/warm pairs to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-ocr-") as tmp:
        scan = Path(tmp) / "scan.pdf"
        pages = make_scans.render(SOURCE, 300)
        scan.write_bytes(make_scans.as_pdf(pages, 300, 60))
        print(f"{len(pages)}-page scan, {scan.stat().st_size // 1024} KB; {os.cpu_count()} cores")
        for run in range(args.runs):
            cache = Path(tmp) / f"cache-{run}"
            load = os.getloadavg()[0]
            (cold, cold_cpu), (warm, warm_cpu) = review(scan, cache), review(scan, cache)
            print(
                f"run {run + 1}: cold {cold:6.1f} s ({cold_cpu:5.1f} s CPU)   warm {warm:5.1f} s ({warm_cpu:4.1f} s CPU)"
                f"   load average {load:.1f} at start",
                flush=True,
            )


if __name__ == "__main__":
    main()
