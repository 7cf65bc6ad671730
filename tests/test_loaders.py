"""The .docx, .pdf, .html and legacy-Word loaders, against fixtures generated from the seeds.

The fixtures come from scripts/make_fixtures.py; its seed reader gives each seed's table values.
"""

from __future__ import annotations

import importlib
import re
import shutil
from collections import Counter
from functools import cache
from io import BytesIO
from pathlib import Path

import docx
import pytest
from conftest import seed as seed_path

from extractors.document import Document, Table
from extractors.docx_loader import load_docx
from extractors.errors import LoadError
from extractors.html_loader import load_html
from extractors.legacy_loader import load_legacy
from extractors.load import load_path
from extractors.pdf_loader import load_pdf

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "tests/fixtures/generated"
BAD = ROOT / "tests/fixtures/bad"
STEMS = ("000", "001", "002", "003", "004")
GBK_STEMS = ("001", "002")

# one pattern per part, in order; 001 writes 六 as 「其它需要报告的事项」 without its ordinal
PART_HEADINGS = tuple(
    re.compile(p)
    for p in (
        r"一、总体情况",
        r"二、主动公开政府信息情况",
        r"三、收到和处理政府信息公开申请情况",
        r"四、.*行政复议.*行政诉讼情况",
        r"五、.*存在的主要问题及改进情况",
        r"(六、)?其[他它]需要报告的事项",
    )
)
TABLE_PARTS = {1: "t2", 2: "t3", 3: "t4"}  # index in PART_HEADINGS -> the table under that heading
NUMBER = re.compile(r"\d+(?:\.\d+)?")
CHROME = (
    "网站标识码",
    "版权所有",
    "当前位置",
    "首页",
    "分享到",
    "无障碍",
    "请输入关键字",
    "信息公开目录",
    "发布时间",
)

needs_soffice = pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice (soffice) is not installed",
)


def make_fixtures():
    return importlib.import_module("make_fixtures")  # scripts/ is on sys.path (conftest.py)


@cache
def seed(stem: str):
    return make_fixtures().read_seed(seed_path(stem))


@cache
def loaded(name: str) -> Document:
    return load_path(GENERATED / name)[0]


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def part_of(paragraph_text: str) -> int | None:
    text = compact(paragraph_text)
    return next((i for i, pattern in enumerate(PART_HEADINGS) if pattern.fullmatch(text)), None)


def numbers_by_table(document: Document) -> dict[str, Counter]:
    """Numeric cell texts of the tables under the 二/三/四 headings (a table split over pages counts once)."""
    found = {part: Counter() for part in TABLE_PARTS.values()}
    current = None
    for block in document.blocks:
        if isinstance(block, Table):
            if current:
                found[current].update(c.text for c in block.cells() if NUMBER.fullmatch(c.text))
        elif (part := part_of(block.text)) is not None:
            current = TABLE_PARTS.get(part)
    return found


def assert_matches_seed(document: Document, stem: str) -> None:
    expected = {part: Counter(values) for part, values in seed(stem).values.items()}
    assert numbers_by_table(document) == expected


# -- the generated report in every format --------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
@pytest.mark.parametrize("stem", STEMS)
class TestGeneratedReports:
    def test_format(self, stem, fmt):
        assert loaded(f"{stem}.{fmt}").format == fmt

    def test_table_numbers_match_seed(self, stem, fmt):
        assert_matches_seed(loaded(f"{stem}.{fmt}"), stem)

    def test_part_headings_in_order(self, stem, fmt):
        found = [part for p in loaded(f"{stem}.{fmt}").paragraphs if (part := part_of(p.text)) is not None]
        assert found == list(range(len(PART_HEADINGS)))

    def test_cms_chrome_is_not_content(self, stem, fmt):
        text = "\n".join(p.text for p in loaded(f"{stem}.{fmt}").paragraphs)
        assert [word for word in CHROME if word in text] == []


@pytest.mark.parametrize("stem", STEMS)
def test_docx_merged_cells_follow_the_tab_form(stem):
    """Vertical continuations are empty cells, horizontal repeats are gone, as in the seeds' tab form."""
    t3 = next(t for t in loaded(f"{stem}.docx").tables if t.rows[0][-1].text == "申请人情况")
    labels = [[c.text for c in row] for row in t3.rows]
    assert labels[1] == ["", "自然人", "法人或其他组织", "总计"]
    assert labels[2][-6:] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]
    assert labels[5][:2] == ["三、本年度办理结果", "（一）予以公开"]
    assert labels[8][:3] == ["", "", "2.其他法律行政法规禁止公开"]
    assert [sum(bool(NUMBER.fullmatch(text)) for text in row) for row in labels[3:]] == [7] * 25


def test_docx_keeps_the_2019_row_of_seed_001():
    t2 = next(t for t in loaded("001.docx").tables if t.rows[0][0].text == "第二十条第（一）项")
    assert ["其他对外管理服务事项", "0"] in [[c.text for c in row] for row in t2.rows]


def test_docx_walks_layout_tables_as_body():
    document = docx.Document()
    outer = document.add_table(rows=1, cols=1)
    outer.cell(0, 0).paragraphs[0].text = "一、总体情况"
    inner = outer.cell(0, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "规章", "3"
    buffer = BytesIO()
    document.save(buffer)
    loaded_document = load_docx(buffer.getvalue())
    assert [p.text for p in loaded_document.paragraphs] == ["一、总体情况"]
    assert [[c.text for c in row] for row in loaded_document.tables[0].rows] == [["规章", "3"]]


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_drops_running_page_numbers_and_keeps_pages(stem):
    document = loaded(f"{stem}.pdf")
    assert not [p.text for p in document.paragraphs if re.fullmatch(r"[-\s]*\d+[-\s]*", p.text)]
    assert document.paragraphs[-1].page == max(b.page for b in document.blocks) > 1


@pytest.mark.parametrize("stem", STEMS)
def test_html_charset_and_publication_date(stem):
    raw = (GENERATED / f"{stem}.html").read_bytes()
    if stem in GBK_STEMS:
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    document = loaded(f"{stem}.html")
    assert "政府信息公开" in document.paragraphs[0].text + document.paragraphs[1].text
    assert document.published_on == make_fixtures().SITES[stem].published


def test_html_title_outside_the_article_and_spans():
    page = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
    <title>2024年政府信息公开工作年度报告_某镇人民政府</title></head><body>
    <div class="nav"><a>首页</a></div><h1>某镇2024年政府信息公开工作年度报告</h1>
    <div class="TRS_Editor"><p>一、总体情况</p><p>正文</p>
    <table><tr><td rowspan="2" colspan="2">行政复议</td><td>行政诉讼</td></tr><tr><td>&nbsp;</td></tr></table>
    <p>二、主动公开政府信息情况</p><div class="share">分享到</div></div>
    <div class="footer">版权所有</div></body></html>"""
    document = load_html(page.encode("gb2312"))
    assert [p.text for p in document.paragraphs] == [
        "某镇2024年政府信息公开工作年度报告",
        "一、总体情况",
        "正文",
        "二、主动公开政府信息情况",
    ]
    assert [[c.text for c in row] for row in document.tables[0].rows] == [["行政复议", "行政诉讼"], ["", ""]]
    assert document.published_on is None


def test_html_without_a_report_still_loads():
    document = load_html(
        "<html><body><div class='nav'>首页</div><p>关于召开会议的通知</p></body></html>".encode()
    )
    assert [p.text for p in document.paragraphs] == ["关于召开会议的通知"]


# -- legacy Word / WPS ---------------------------------------------------------------------------


@needs_soffice
@pytest.mark.parametrize("name, format", [("001.doc", "doc"), ("001.wps", "wps")])
def test_legacy_word_is_converted(name, format):
    document = load_path(GENERATED / name)[0]
    assert document.format == format
    assert_matches_seed(document, "001")


def test_legacy_without_libreoffice_names_it(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(LoadError, match="LibreOffice"):
        load_legacy((GENERATED / "001.doc").read_bytes(), "001.doc")


@needs_soffice
def test_legacy_conversion_time_limit(monkeypatch):
    monkeypatch.setenv("NIANBAO_SOFFICE_TIMEOUT", "0.2")
    with pytest.raises(LoadError, match="超时"):
        load_legacy((GENERATED / "001.doc").read_bytes(), "001.doc")


@needs_soffice
def test_legacy_garbage_is_refused():
    with pytest.raises(LoadError, match="LibreOffice"):
        load_legacy(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "broken.doc")


# -- files that cannot be reviewed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("corrupt.docx", "损坏或不完整"),
        ("truncated.pdf", "PDF 文件已损坏或不完整"),
        ("encrypted.pdf", "PDF 已加密"),
        ("empty.txt", "文件为空"),
    ],
)
def test_bad_files_are_refused_with_the_reason(name, reason):
    with pytest.raises(LoadError, match=re.escape(reason)):
        load_path(BAD / name)


def test_corrupt_docx_reason_from_the_docx_loader():
    with pytest.raises(LoadError, match="docx 文件已损坏或不完整"):
        load_docx((BAD / "corrupt.docx").read_bytes())


def test_truncated_pdf_behind_a_fake_end_marker():
    data = (BAD / "truncated.pdf").read_bytes() + b"\n%%EOF\n"
    with pytest.raises(LoadError, match="PDF 文件已损坏或不完整"):
        load_pdf(data)


def test_garbage_docx_and_pdf_raise_load_error():
    with pytest.raises(LoadError, match="docx 文件已损坏"):
        load_docx(b"PK\x03\x04" + bytes(100))
    with pytest.raises(LoadError, match="PDF 文件已损坏"):
        load_pdf(b"%PDF-1.7\n" + bytes(100) + b"\n%%EOF")


def test_broken_html_spans_are_tolerated():
    document = load_html(b"<html><table><tr><td rowspan=x colspan=-2>1<td colspan=99999>2")
    assert [c.text for c in document.tables[0].rows[0]] == ["1", "2"]
