"""Hostile input files (issue 10) through the whole command. Run by hand:

    .venv/bin/python bench/bench_hostile.py [--timeout SECONDS] [ROW ...]

Builds each row of scripts/make_hostile.py in a temporary folder, runs ``nianbao review FILE`` in a
fresh process and prints its seconds, peak RSS, exit status and the line it printed on stderr.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_hostile as hostile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "rows", nargs="*", metavar="ROW", help=f"default: every row ({', '.join(hostile.ROWS)})"
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a review is killed")
    args = parser.parse_args()
    if unknown := set(args.rows) - set(hostile.ROWS):
        parser.error(f"unknown rows: {', '.join(sorted(unknown))}")
    print(f"{'row':24} {'seconds':>8} {'peak MB':>8}  exit  stderr")
    with tempfile.TemporaryDirectory(prefix="nianbao-hostile-") as tmp:
        for row in args.rows or hostile.ROWS:
            run = hostile.review(hostile.build(row, Path(tmp)), args.timeout)
            status = "kill" if run.status is None else run.status
            said = run.stderr.strip().splitlines()[-1][:110] if run.stderr.strip() else ""
            print(f"{row:24} {run.seconds:8.2f} {run.peak_mb:8.0f}  {status!s:>4}  {said}", flush=True)


if __name__ == "__main__":
    main()
