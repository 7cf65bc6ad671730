"""The rule catalogue written out from the registry: ``nianbao rules`` (text, Markdown, JSON), the
README's rule table and the spec's catalogue (§6.1). Nothing here is kept by hand."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable

from ..models import SEVERITY_ZH
from .registry import DETECTIONS, REGISTRY, Rule


def ordered() -> list[Rule]:
    """Every rule, by id: the order of every listing."""
    return sorted(REGISTRY.values(), key=lambda r: r.id)


def part_zh(rule: Rule) -> str:
    return f"第{rule.part}部分" if rule.part else "不限"


def as_dict(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "severity": rule.severity,
        "part": rule.part,
        "detection": rule.detection,
        "spec": rule.spec,
        "summary": rule.summary,
        "doc": rule.sections,
        "by": "rule" if rule.check else "narrative-review",
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ---- text -----------------------------------------------------------------------------------


def listing_text(rules: Iterable[Rule]) -> str:
    header = ("编号", "严重程度", "判定方式", "适用部分", "说明")
    rows = [(r.id, SEVERITY_ZH[r.severity], r.detection, part_zh(r), r.summary) for r in rules]
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = [
        "  ".join(_pad(v, w) for v, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in [header, *rows]
    ]
    legend = "；".join(f"{code} = {meaning}" for code, meaning in DETECTIONS.items())
    return "\n".join([*lines, "", f"判定方式：{legend}。", "查看一条规则的说明：nianbao rules 编号"])


def rule_text(rule: Rule) -> str:
    head = [
        f"严重程度：{SEVERITY_ZH[rule.severity]}",
        f"适用部分：{part_zh(rule)}",
        f"判定方式：{rule.detection} — {DETECTIONS[rule.detection]}",
        f"规范依据：{rule.spec}",
    ]
    body = [
        f"{name}\n" + "\n".join(f"  {line}" for line in text.splitlines())
        for name, text in rule.sections.items()
    ]
    return "\n".join([f"{rule.id}：{rule.summary}", *head, "", *body])


# ---- Markdown -------------------------------------------------------------------------------


def listing_markdown(rules: Iterable[Rule]) -> str:
    """The README's rule table."""
    rows = [
        f"| `{r.id}` | {SEVERITY_ZH[r.severity]} | {part_zh(r)} | {r.detection} | {_cell(r.summary)} |"
        for r in rules
    ]
    legend = "；".join(f"{code}：{meaning}" for code, meaning in DETECTIONS.items())
    return "\n".join(
        [
            "| 编号 | 严重程度 | 适用部分 | 判定方式 | 说明 |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"判定方式 {legend}。",
        ]
    )


def rule_markdown(rule: Rule) -> str:
    sections = [f"**{name}**：{_cell(text)}" for name, text in rule.sections.items()]
    return "\n\n".join(
        [
            f"### `{rule.id}`",
            rule.summary,
            f"严重程度：{SEVERITY_ZH[rule.severity]}；适用部分：{part_zh(rule)}；"
            f"判定方式：{rule.detection}；规范依据：{rule.spec}",
            *sections,
        ]
    )


def catalogue_markdown(rules: Iterable[Rule]) -> str:
    """The spec's §6.1: one row per rule, its example standing for the evidence."""
    rows = [
        f"| `{r.id}` | {r.severity} | {_cell(r.summary)} | {r.detection} | {r.spec} | {_cell(r.sections['示例'])} |"
        for r in rules
    ]
    return "\n".join(
        ["| id | severity | defect | detection | spec | example |", "|---|---|---|---|---|---|", *rows]
    )


# ---- JSON -----------------------------------------------------------------------------------


def listing_json(rules: Iterable[Rule]) -> str:
    return json.dumps([as_dict(r) for r in rules], ensure_ascii=False, indent=2)


def rule_json(rule: Rule) -> str:
    return json.dumps(as_dict(rule), ensure_ascii=False, indent=2)


LISTING = {"text": listing_text, "markdown": listing_markdown, "json": listing_json}
ONE = {"text": rule_text, "markdown": rule_markdown, "json": rule_json}
