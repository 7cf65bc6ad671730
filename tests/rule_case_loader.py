"""The rule cases of tests/rule_cases/<rule id>.yml, read for the tests and for the eval's inputs.

A file holds ``fails`` (the rule must fire) and ``passes`` (it must not) cases. A case builds its
report from the clean one (report_builder) and may give a previous-year report built the same
way and a configuration; it says which other rules fire with it (``others``, default none: the
case fires its rule alone, or a passing case's report has no finding at all)::

    fails:
      - name: a-carried-over-application-never-answered
        values: {t3.carried_over.natural_person: 1, t3.carried_over.total: 1}
        severity: error
        others: [t3-row-total-mismatch]     # optional
        message: …                           # optional: the first finding's exact message
        message_contains: …                  # optional
        part: 三                             # optional: every finding's part
        config: {deadline: "01-10"}          # optional, [tool.nianbao] keys
        previous: {replace_all: [[2024, 2023]]}   # optional, a report spec of its own

A report spec: ``base`` (clean | 2019 | legacy; ``year`` for 2019), ``all_values`` (every table
value), ``values`` (cell -> value, null for a blank cell), ``narrative`` (part -> paragraphs),
then ``sub`` ([regex, replacement], across lines), ``replace`` ([old, new], once, old must occur)
and ``replace_all`` ([old, new], every occurrence), applied in that order. A case whose input
cannot be written as text (a scan) names a fixture instead: ``file: fixtures/scans/….png``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from report_builder import (
    CLEAN_NARRATIVE,
    LEGACY_REPORT,
    build_report,
    build_report_2019,
    clean_values,
    replace,
)

TESTS = Path(__file__).parent
CASES_DIR = TESTS / "rule_cases"
SPEC_KEYS = {"base", "year", "all_values", "values", "narrative", "sub", "replace", "replace_all"}
CASE_KEYS = SPEC_KEYS | {
    "name",
    "file",
    "severity",
    "others",
    "message",
    "message_contains",
    "part",
    "config",
    "previous",
}


@dataclass(frozen=True)
class RuleCase:
    rule: str
    name: str
    fires: bool
    text: str | None  # None: the input is the fixture ``file``
    file: str | None = None
    previous: str | None = None
    config: dict = field(default_factory=dict)
    severity: str | None = None
    others: frozenset[str] = frozenset()
    message: str | None = None
    message_contains: str | None = None
    part: str | None = None

    @property
    def id(self) -> str:
        return f"{self.rule}:{'fails' if self.fires else 'passes'}:{self.name}"

    @property
    def data(self) -> bytes:
        return (TESTS / self.file).read_bytes() if self.file else (self.text or "").encode()

    @property
    def filename(self) -> str:
        return Path(self.file).name if self.file else f"{self.rule}.txt"


def build(spec: dict) -> str:
    """The report text a spec describes."""
    base = spec.get("base", "clean")
    if base == "legacy":
        text = LEGACY_REPORT
    elif base == "2019":
        text = build_report_2019(spec["year"])
    else:
        values = clean_values()
        if "all_values" in spec:
            values = dict.fromkeys(values, spec["all_values"])
        values.update(spec.get("values", {}))
        text = build_report(values, {**CLEAN_NARRATIVE, **spec.get("narrative", {})})
    for pattern, repl in spec.get("sub", []):
        text = re.sub(pattern, repl, text, flags=re.S)
    for old, new in spec.get("replace", []):
        text = replace(text, str(old), str(new))
    for old, new in spec.get("replace_all", []):
        text = text.replace(str(old), str(new))
    return text


def _case(rule: str, fires: bool, raw: dict) -> RuleCase:
    unknown = set(raw) - CASE_KEYS
    if unknown:
        raise ValueError(f"{rule}.yml, case {raw.get('name')}: unknown keys {sorted(unknown)}")
    if fires and "severity" not in raw:
        raise ValueError(f"{rule}.yml, case {raw['name']}: a failing case names the severity it expects")
    previous = raw.get("previous")
    text = None if "file" in raw else build(raw)
    return RuleCase(
        rule,
        raw["name"],
        fires,
        text,
        raw.get("file"),
        build(previous) if previous is not None else None,
        raw.get("config", {}),
        raw.get("severity"),
        frozenset(raw.get("others", [])),
        raw.get("message"),
        raw.get("message_contains"),
        raw.get("part"),
    )


def load(path: Path) -> list[RuleCase]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rule = path.stem
    return [_case(rule, True, c) for c in data.get("fails", [])] + [
        _case(rule, False, c) for c in data.get("passes", [])
    ]


def all_cases() -> list[RuleCase]:
    return [case for path in sorted(CASES_DIR.glob("*.yml")) for case in load(path)]


def first_failing() -> dict[str, RuleCase]:
    """Each rule's first failing case built from the clean report: the eval's case for the rule."""
    out: dict[str, RuleCase] = {}
    for case in all_cases():
        if case.fires and case.text is not None:
            out.setdefault(case.rule, case)
    return out
