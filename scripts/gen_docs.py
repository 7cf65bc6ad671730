#!/usr/bin/env python3
"""Write the rule tables generated from the registry into the README and the spec's catalogue
(§6.1), between their marker comments. ``--check`` writes nothing and exits 1 when a committed
file is stale (tests/test_rule_docs.py runs the same check).

    .venv/bin/python scripts/gen_docs.py [--check]
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from nianbao.rules import docs

ROOT = Path(__file__).resolve().parents[1]
# file -> (marker name, what goes between its markers)
BLOCKS: dict[str, tuple[str, Callable[[], str]]] = {
    "README.md": ("rules", lambda: docs.listing_markdown(docs.ordered())),
    "docs/annual-report-format.md": ("catalogue", lambda: docs.catalogue_markdown(docs.ordered())),
}


def regenerate(text: str, marker: str, body: str) -> str:
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise ValueError(f"markers {start} … {end} not found")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text, count=1)


def stale(root: Path = ROOT) -> list[str]:
    """The files whose generated block differs from what the registry gives now."""
    out = []
    for name, (marker, body) in BLOCKS.items():
        text = (root / name).read_text(encoding="utf-8")
        if regenerate(text, marker, body()) != text:
            out.append(name)
    return out


def write(root: Path = ROOT) -> None:
    for name, (marker, body) in BLOCKS.items():
        path = root / name
        path.write_text(regenerate(path.read_text(encoding="utf-8"), marker, body()), encoding="utf-8")


def main(argv: list[str]) -> int:
    if "--check" in argv:
        old = stale()
        for name in old:
            print(f"{name}: 规则表已过期，请运行 scripts/gen_docs.py", file=sys.stderr)
        return 1 if old else 0
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
