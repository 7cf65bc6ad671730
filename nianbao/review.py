"""load → extract → rules → narrative → Review. The one pipeline the CLI, the bot and the eval use."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from extractors import schema as S
from extractors.document import Document
from extractors.extract import Extraction, extract
from extractors.load import load_bytes
from extractors.tables import TableSet

from .config import Config
from .models import Finding, Narrative, PartInfo, ReportInfo, ReportPeriod, Review, Source, verdict_of
from .narrative import NarrativeReviewer
from .narrative.heuristic import fallback_review
from .rules import run_rules


@dataclass
class Analysis:
    """The deterministic half of a review: picklable, so batches can run it in worker processes."""

    path: str
    sha256: str
    ex: Extraction
    timing: dict[str, int] = field(default_factory=dict)


def _ms(start: float) -> int:
    return round((time.perf_counter() - start) * 1000)


def analyze_bytes(data: bytes, path: str, config: Config | None = None) -> Analysis:
    config = config or Config()
    t0 = time.perf_counter()
    doc: Document = load_bytes(data, path, config.max_bytes)
    t1 = time.perf_counter()
    ex = extract(doc)
    return Analysis(path, hashlib.sha256(data).hexdigest(), ex, {"load": _ms(t0), "extract": _ms(t1)})


def _nest(cells: dict, prefix: str) -> dict:
    """Cells under ``prefix`` as nested dicts (for the variant tables, whose shape varies)."""
    out: dict = {}
    for address, ref in cells.items():
        head, *path = address.split(".")
        if head == prefix:
            node = out
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = ref.value
    return out


def tables_json(tables: TableSet) -> dict:
    """Canonical keys of spec §3 (absent table → null, blank cell → null), variant cells under
    ``t2_2019`` / ``t3_groups``, and every cell's raw text and line under ``cells_raw``."""

    def grid(prefix: str, shape: dict[str, tuple[str, ...]]) -> dict:
        return {
            row: {col: tables.value(f"{prefix}.{row}.{col}") for col in cols} for row, cols in shape.items()
        }

    found = tables.found
    out: dict = {
        "t2": {b: grid(f"t2.{b}", rows) for b, rows in S.T2_2021.items()} if "t2" in found else None,
        "t3": grid("t3", dict.fromkeys(S.T3_ROW_KEYS, S.T3_COLUMNS)) if "t3" in found else None,
        "t4": grid("t4", dict.fromkeys(S.T4_GROUPS, S.T4_COLUMNS)) if "t4" in found else None,
    }
    for extra in ("t2_2019", "t3_groups"):
        if nested := _nest(tables.cells, extra):
            out[extra] = nested
    out["cells_raw"] = {a: _raw(r) for a, r in tables.cells.items()}
    return out


def _raw(ref) -> dict:
    """A cell as read; one read by OCR also has its confidence and its box on the page (points)."""
    out = {"raw": ref.raw, "line": ref.line, "page": ref.page}
    if ref.confidence is not None:
        out["confidence"], out["box"] = round(ref.confidence, 3), [round(v, 1) for v in ref.box]
    return out


def report_info(ex: Extraction) -> ReportInfo:
    meta = ex.meta
    period = ReportPeriod()
    if meta.period:
        start, end = meta.period.start.value, meta.period.end.value
        period = ReportPeriod(
            start=start.isoformat() if start else None, end=end.isoformat() if end else None
        )
    return ReportInfo(
        issuer=meta.issuer,
        year=meta.year,
        template=ex.template,
        title=meta.title,
        period=period,
        signed_on=meta.signed_on.value.isoformat() if meta.signed_on and meta.signed_on.value else None,
        parts={h.part: PartInfo(line=h.line, heading=h.text) for h in ex.parts},
        ocr_pages=ex.doc.ocr_pages,
    )


@dataclass
class NarrativeResult:
    """The narrative half of a review: its block, its findings and the time it took."""

    block: Narrative
    findings: list[Finding]
    ms: int


def review_narrative(
    analysis: Analysis, config: Config, narrative: NarrativeReviewer | None
) -> NarrativeResult | None:
    """The narrative half, independent of the rules: batches start it as soon as a report is read."""
    if narrative is None:
        return None
    t0 = time.perf_counter()
    try:
        block, findings = narrative(analysis.ex, config)
    except Exception as exc:  # whatever breaks there costs the narrative only, never the review
        import logging  # here: only a failure is logged, and logging costs a review's start (issue 12)

        logging.getLogger(__name__).warning(  # %r: escapes control characters
            "narrative review failed on %r: %r", analysis.path, exc
        )
        block, findings = fallback_review(analysis.ex, config, exc)
    return NarrativeResult(block, findings, _ms(t0))


@dataclass
class Checked:
    """The rules' findings on one report (with last year's report when known) and their time:
    what a batch worker hands back, so the rules run there, within the report's time budget."""

    findings: list[Finding]
    ms: int


def check(analysis: Analysis, config: Config, previous: Extraction | None = None) -> Checked:
    t0 = time.perf_counter()
    return Checked(run_rules(analysis.ex, config, previous), _ms(t0))


def assemble(
    analysis: Analysis, config: Config, checked: Checked, narrative: NarrativeResult | None
) -> Review:
    """The rules' findings, the narrative's, the verdict. Narrative findings are only added;
    they can never remove or downgrade a deterministic one."""
    findings = list(checked.findings)
    timing = dict(analysis.timing, rules=checked.ms)
    block = Narrative()
    if narrative is not None:
        block = narrative.block
        findings += [f for f in narrative.findings if f.rule not in config.disable]
        timing["narrative"] = narrative.ms
    findings.sort(key=Finding.sort_key)
    verdict, counts = verdict_of(findings)
    return Review(
        source=Source(path=analysis.path, sha256=analysis.sha256, format=analysis.ex.doc.format),
        report=report_info(analysis.ex),
        tables=tables_json(analysis.ex.tables),
        findings=findings,
        narrative=block,
        verdict=verdict,
        counts=counts,
        timing_ms=timing,
        disabled_rules=sorted(config.disable),
    )


def finish(
    analysis: Analysis,
    config: Config,
    previous: Extraction | None = None,
    narrative: NarrativeReviewer | None = None,
) -> Review:
    return assemble(
        analysis, config, check(analysis, config, previous), review_narrative(analysis, config, narrative)
    )


def review_bytes(
    data: bytes,
    path: str,
    config: Config | None = None,
    previous: Extraction | None = None,
    narrative: NarrativeReviewer | None = None,
) -> Review:
    """Review one file's bytes. Raises extractors.errors.LoadError for unreadable input."""
    config = config or Config()
    return finish(analyze_bytes(data, path, config), config, previous, narrative)
