"""Relations with the same body's report for Y-1 (spec §4.3), when it is in the batch or given
with ``--previous``."""

from __future__ import annotations

import re

from extractors import schema as S
from extractors.extract import Extraction
from extractors.normalize import fold, same_body

from .context import Context
from .registry import Hit, rule

COPY_THRESHOLD = 0.8


def follows(issuer: str | None, year: int | None, prev_issuer: str | None, prev_year: int | None) -> bool:
    """The second report is the same body's for the year before."""
    return year is not None and prev_year == year - 1 and same_body(issuer, prev_issuer)


def is_predecessor(previous: Extraction, ex: Extraction) -> bool:
    return follows(ex.meta.issuer, ex.meta.year, previous.meta.issuer, previous.meta.year)


def _shingles(text: str, n: int = 5) -> set[str]:
    folded = re.sub(r"\d+", "#", fold(text))  # numbers and years change; the wording is the copy
    return {folded[i : i + n] for i in range(max(0, len(folded) - n + 1))}


def similarity(a: str, b: str) -> float:
    """Character 5-gram Jaccard similarity."""
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


@rule("cross-year-carryover-mismatch", "warning", "三", spec="§4.3 X-CARRY")
def carryover(ctx: Context):
    """本年「上年结转」≠ 上年报告的「结转下年度继续办理」（X-CARRY）。

    做什么：核对本年表三「二、上年结转」与同一机关上年报告的「四、结转下年度继续办理」：总计列不等为警告，六类申请人各列不等为提示。需要同一机关的上年报告（--previous 或同批报告）。
    为什么：上一年结转出去的申请，正是下一年结转进来的申请。
    示例：本年「上年结转」3 件，但 2023 年度报告「结转下年度继续办理」为 2 件。
    如何改正：以上年报告的结转数为准核对台账；本年填错的改正本年，上年报告有误的另行说明。
    """
    if ctx.previous is None:
        return
    for col in S.T3_COLUMNS:
        now = ctx.cells.get(f"t3.carried_over.{col}")
        before = ctx.previous.tables.value(f"t3.carried_forward.{col}")
        if now is None or now.value is None or before is None or now.value == before:
            continue
        yield Hit(
            f"表三「上年结转」「{S.T3_COLUMN_LABELS[col]}」列为 {now.value}，但 {ctx.previous.meta.year} 年度报告"
            f"「结转下年度继续办理」为 {before}",
            evidence=now.raw,
            line=now.line,
            page=now.page,
            cell=f"t3.carried_over.{col}",
            severity=None if col == "total" else "info",
        )


@rule("cross-year-in-force-mismatch", "info", "二", spec="§4.3 X-INFORCE")
def in_force(ctx: Context):
    """本年「现行有效件数」≠ 上年现行有效 + 本年制发 − 本年废止（X-INFORCE）。

    做什么：对表二「规章」和「行政规范性文件」两行核对。文件到期自然失效、重新分类等情况可以造成合理差异，因此只作提示。
    为什么：年末现行有效的文件数，应当由上年末的存量加上本年的增减得出。
    示例：上年现行有效 10 + 本年制发 2 − 本年废止 1 = 11，但本年现行有效为 9。
    如何改正：清理文件目录，核对现行有效件数；差异有合理原因的（如到期失效），在正文中说明。
    """
    if ctx.previous is None:
        return
    for row in ("regulations", "normative_documents"):
        base = f"t2.art20_1.{row}"
        issued, repealed = ctx.value(f"{base}.issued"), ctx.value(f"{base}.repealed")
        last = ctx.previous.tables.value(f"{base}.in_force")
        ref = ctx.cells.get(f"{base}.in_force")
        if issued is None or repealed is None or last is None or ref is None or ref.value is None:
            continue
        expected = last + issued - repealed
        if ref.value != expected:
            yield Hit(
                f"表二「{S.T2_LABELS_ZH[row]}」：上年现行有效 {last:g} + 本年制发 {issued:g} − 本年废止 {repealed:g}"
                f" = {expected:g}，但本年现行有效为 {ref.value:g}",
                evidence=ref.raw,
                line=ref.line,
                page=ref.page,
                cell=f"{base}.in_force",
            )


@rule("copy-paste-previous-year", "warning", spec="§4.3 X-COPY")
def copy_paste(ctx: Context):
    """第一、五、六部分与上年报告几乎相同（X-COPY）。

    做什么：把第一、五、六部分分别与同一机关上年报告的对应部分比较（5 字片段的 Jaccard 相似度，忽略数字），相似度不低于 0.8 时提示。
    为什么：国办公开办函〔2021〕30号把「内容雷同」列为问责情形。
    示例：第五部分与 2023 年度报告相似度 93%。
    如何改正：按本年度的实际工作重写该部分，写明本年的具体做法、问题和整改情况。
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
            yield Hit(
                f"第{numeral}部分与 {ctx.previous.meta.year} 年度报告相似度 {score:.0%}，疑似照搬上年内容",
                evidence=now[:60],
                line=head.line if head else None,
                part=numeral,
            )
