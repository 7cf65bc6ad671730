"""The flattened forms of spec §7.3 and the encodings of real government files."""

from conftest import seed
from report_builder import build_report, clean_values

from extractors import schema as S
from extractors.extract import extract
from extractors.load import load_bytes


def tables_of(data: bytes) -> dict:
    return {a: r.value for a, r in extract(load_bytes(data)).tables.cells.items()}


def test_gbk_text_reads_like_utf8():
    text = seed("004").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert tables_of(text.encode("gbk")) == tables_of(text.encode("utf-8"))
    assert extract(load_bytes(text.encode("gb18030"))).meta.issuer == "淄博经济开发区管理委员会"


def test_utf8_bom_and_crlf():
    text = seed("003").read_text(encoding="utf-8")
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    assert tables_of(data) == tables_of(text.encode("utf-8"))


def test_pipe_terminated_form_is_the_seed_002():
    ex = extract(load_bytes(seed("002").read_bytes()))
    assert ex.tables.value("t2.art20_5.admin_licensing.decisions") == 365
    assert len([a for a in ex.tables.cells if a.startswith("t3.")]) == 175


def _markdown_report(values: dict) -> str:
    """A web copy: one Markdown pipe row per table row (e.g. 龙岗 2024)."""
    text = build_report(values)
    head, rest = text.split("二、主动公开政府信息情况\n", 1)
    _, tail = rest.split("五、存在的主要问题及改进情况\n", 1)
    t2 = []
    for block, rows in S.T2_2021.items():
        cols = next(iter(rows.values()))
        t2 += [
            f"| {S.T2_LABELS_ZH[block]} |",
            "| 信息内容 | " + " | ".join(S.T2_LABELS_ZH[c] for c in cols) + " |",
            "|---|---|",
        ]
        for row, cols in rows.items():
            t2.append(
                "| "
                + " | ".join([S.T2_LABELS_ZH[row], *(f"{values[f't2.{block}.{row}.{c}']:g}" for c in cols)])
                + " |"
            )
    t3 = [
        "| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |"
    ]
    from report_builder import _T3_LABELS

    for row, labels in _T3_LABELS.items():
        t3.append(
            "| " + " | ".join([labels[-1], *(str(values[f"t3.{row}.{c}"]) for c in S.T3_COLUMNS)]) + " |"
        )
    t4 = [
        "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |",
        "| " + " | ".join(str(values[f"t4.{g}.{c}"]) for g in S.T4_GROUPS for c in S.T4_COLUMNS) + " |",
    ]
    return "\n".join(
        [
            head + "二、主动公开政府信息情况",
            *t2,
            "三、收到和处理政府信息公开申请情况",
            *t3,
            "四、政府信息公开行政复议、行政诉讼情况",
            "行政复议 行政诉讼",
            *t4,
            "五、存在的主要问题及改进情况",
            tail,
        ]
    )


def test_markdown_pipe_rows_on_one_line():
    values = clean_values()
    got = tables_of(_markdown_report(values).encode())
    assert {a: v for a, v in got.items() if a.startswith(("t2.", "t3.", "t4."))} == values


def test_inline_rows_of_pdf_text():
    """PDF text layer: a label followed by its numbers on one line; table 四 as 15 numbers."""
    values = clean_values()
    lines = [
        "某县人民政府2024年政府信息公开工作年度报告",
        "一、总体情况",
        "（略）",
        "二、主动公开政府信息情况",
        "第二十条第（五）项",
        "信息内容 本年处理决定数量",
        "行政许可 18227",
        "三、收到和处理政府信息公开申请情况",
        "申请人情况",
    ]
    lines += ["一、本年新收政府信息公开申请数量 26 0 0 0 0 0 26", "（一）予以公开 12 0 0 0 0 0 12"]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼", " ".join(["0"] * 14 + ["1"])]
    ex = extract(load_bytes("\n".join(lines).encode()))
    assert ex.tables.value("t2.art20_5.admin_licensing.decisions") == 18227
    assert ex.tables.value("t3.granted.total") == 12
    assert ex.tables.value("t4.litigation_after_review.total") == 1
    assert values  # the clean values are untouched by the reader


def test_hostile_html_spans_are_refused_quickly():
    """A few KB of rowspan×colspan must not expand into millions of cells."""
    import time

    import pytest

    from extractors.errors import LoadError

    rows = "".join("<tr><td rowspan=120 colspan=1000>x</td></tr>" for _ in range(120))
    start = time.perf_counter()
    with pytest.raises(LoadError, match="表格过大"):
        load_bytes(f"<html><body><table>{rows}</table></body></html>".encode())
    assert time.perf_counter() - start < 5
