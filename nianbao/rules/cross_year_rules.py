"""Relations with the same body's report for Y-1 (spec §4.3), when it is in the batch or given
with ``--previous``."""

from __future__ import annotations

import re

from extractors import schema as S
from extractors.extract import Extraction
from extractors.normalize import fold, name_key

from .context import Context
from .registry import Hit, rule

COPY_THRESHOLD = 0.8


def follows(issuer: str | None, year: int | None, prev_issuer: str | None, prev_year: int | None) -> bool:
    """The second report is the same body's for the year before. Names may differ by a prefix
    (「金岭回族镇人民政府」 / 「临淄区金岭回族镇」), never by more."""
    if not (issuer and prev_issuer and year and prev_year == year - 1):
        return False
    a, b = name_key(issuer), name_key(prev_issuer)
    return bool(a and b) and (a.endswith(b) or b.endswith(a))


def is_predecessor(previous: Extraction, ex: Extraction) -> bool:
    return follows(ex.meta.issuer, ex.meta.year, previous.meta.issuer, previous.meta.year)


def _shingles(text: str, n: int = 5) -> set[str]:
    folded = re.sub(r"\d+", "#", fold(text))  # numbers and years change; the wording is the copy
    return {folded[i:i + n] for i in range(max(0, len(folded) - n + 1))}


def similarity(a: str, b: str) -> float:
    """Character 5-gram Jaccard similarity."""
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


@rule("cross-year-carryover-mismatch", "warning", "三")
def carryover(ctx: Context):
    """本年「上年结转」≠ 上年报告的「结转下年度继续办理」（X-CARRY）。

    What it checks: t3(Y).carried_over.total == t3(Y-1).carried_forward.total (warning); per
    applicant column as info. Needs last year's report of the same body.
    Why: what one year carries forward is exactly what the next year carries over.
    Example: 本年「上年结转」3 件，但 2023 年度报告「结转下年度继续办理」为 2 件.
    """
    if ctx.previous is None:
        return
    for col in S.T3_COLUMNS:
        now = ctx.cells.get(f"t3.carried_over.{col}")
        before = ctx.previous.tables.value(f"t3.carried_forward.{col}")
        if now is None or now.value is None or before is None or now.value == before:
            continue
        yield Hit(f"表三「上年结转」「{S.T3_COLUMN_LABELS[col]}」列为 {now.value}，但 {ctx.previous.meta.year} 年度报告"
                  f"「结转下年度继续办理」为 {before}", evidence=now.raw, line=now.line, page=now.page,
                  cell=f"t3.carried_over.{col}", severity=None if col == "total" else "info")


@rule("cross-year-in-force-mismatch", "info", "二")
def in_force(ctx: Context):
    """本年「现行有效件数」≠ 上年现行有效 + 本年制发 − 本年废止（X-INFORCE）。

    What it checks: for 规章 and 行政规范性文件. Legitimate deviations exist (documents lapsing by
    expiry, re-classification), hence info.
    Why: the stock of documents in force should follow from last year's stock and this year's flows.
    Example: 上年现行有效 10 + 本年制发 2 − 本年废止 1 = 11，但本年现行有效为 9.
    """
    if ctx.previous is None:
        return
    for row in ("regulations", "normative_documents"):
        base = f"t2.art20_1.{row}"
        issued, repealed = ctx.value(f"{base}.issued"), ctx.value(f"{base}.repealed")
        last = ctx.previous.tables.value(f"{base}.in_force")
        ref = ctx.cells.get(f"{base}.in_force")
        if None in (issued, repealed, last) or ref is None or ref.value is None:
            continue
        expected = last + issued - repealed
        if ref.value != expected:
            yield Hit(f"表二「{S.T2_LABELS_ZH[row]}」：上年现行有效 {last:g} + 本年制发 {issued:g} − 本年废止 {repealed:g}"
                      f" = {expected:g}，但本年现行有效为 {ref.value:g}", evidence=ref.raw, line=ref.line,
                      page=ref.page, cell=f"{base}.in_force")


@rule("copy-paste-previous-year", "warning")
def copy_paste(ctx: Context):
    """第一、五、六部分与上年报告几乎相同（X-COPY）。

    What it checks: character 5-gram Jaccard similarity ≥ 0.8 (numbers ignored) per part against
    last year's report of the same body.
    Why: 内容雷同 is named in 国办公开办函〔2021〕30号 as a cause for accountability.
    Example: 第五部分与 2023 年度报告相似度 93%.
    """
    if ctx.previous is None:
        return
    for numeral in ("一", "五", "六"):
        now = "".join(p.text for p in ctx.part(numeral))
        before = "".join(p.text for p in ctx.previous.part_paragraphs(numeral))
        if len(now) < 50:
            continue
        score = similarity(now, before)
        if score >= COPY_THRESHOLD:
            head = next((h for h in ctx.ex.parts if h.part == numeral), None)
            yield Hit(f"第{numeral}部分与 {ctx.previous.meta.year} 年度报告相似度 {score:.0%}，疑似照搬上年内容",
                      evidence=now[:60], line=head.line if head else None, part=numeral)
