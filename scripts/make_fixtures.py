#!/usr/bin/env python3
"""Generate the loader fixtures from the seed reports (tests/fixtures/seeds/*.txt).

For each seed NNN: ``generated/NNN.docx`` (narrative + the three tables in the official 2021 layout
with real merged cells), ``NNN.pdf`` (that .docx printed by LibreOffice) and ``NNN.html`` (a
government-CMS page around the report); ``generated/001.doc`` / ``001.wps`` (legacy Word) and the
negative fixtures under ``bad/``; and ``realistic/``: the forms offices really publish in (a saved
CMS page, its Chromium print and LibreOffice conversions, PDFs with boxed narrative lines, a
2019-format page), described with their expected cells and findings in ``realistic/expected.json``.
Needs LibreOffice (soffice), Chromium and fonts-wqy-microhei. ``make_fixtures.py realistic`` writes
only ``realistic/``.
Re-running rewrites every file; the .docx and .html output is byte-identical between runs, and so
is everything under ``realistic/`` (PDF dates and IDs are fixed in place).
"""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import docx
import pdfplumber
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script: make the repo's extractors importable

from extractors import schema as S  # noqa: E402
from extractors.errors import LoadError  # noqa: E402
from extractors.legacy_loader import convert  # noqa: E402

SEEDS = ROOT / "tests/fixtures/seeds"
GENERATED = ROOT / "tests/fixtures/generated"
BAD = ROOT / "tests/fixtures/bad"

FONT = "WenQuanYi Micro Hei"  # the CJK font installed with LibreOffice; without it the PDF text is garbage
FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
PAGE_WIDTH_CM = 16.0  # A4 minus 2.5 cm margins
ENCRYPTED_PDF_FILTER = (
    'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
    '"DocumentOpenPassword":{"type":"string","value":"nianbao"}}'
)

# ---------------------------------------------------------------------------------------------
# Table model shared by the .docx and .html writers: HTML-style rows, each listing the cells that
# start in it, left to right, with their row/column spans.


@dataclass
class Span:
    text: str
    rows: int = 1
    cols: int = 1


@dataclass
class TableSpec:
    rows: list[list[Span]]
    widths_cm: list[float]


def layout(rows: list[list[Span]]) -> Iterator[tuple[int, int, Span]]:
    """(row, column, span) of every cell, skipping grid positions covered by earlier spans."""
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for span in row:
            while (r, c) in taken:
                c += 1
            yield r, c, span
            taken.update((r + i, c + j) for i in range(span.rows) for j in range(span.cols))
            c += span.cols


# ---------------------------------------------------------------------------------------------
# The three tables of the 2021 format (spec §3), filled with a seed's values.

T2_BLOCKS = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), ("规章", "行政规范性文件")),
    ("第二十条第（五）项", ("本年处理决定数量",), ("行政许可",)),
    ("第二十条第（六）项", ("本年处理决定数量",), ("行政处罚", "行政强制")),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), ("行政事业性收费",)),
)
T2_2019_ROW = "其他对外管理服务事项"  # seed 001 keeps this 2019-era row under 第（五）项

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_ORGS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
T3_RESULTS = (  # (group cell, leaf rows); a group of None means the leaf spans both label columns
    (None, ("（一）予以公开",)),
    (None, ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）",)),
    (
        "（三）不予公开",
        (
            "1.属于国家秘密",
            "2.其他法律行政法规禁止公开",
            "3.危及“三安全一稳定”",
            "4.保护第三方合法权益",
            "5.属于三类内部事务信息",
            "6.属于四类过程性信息",
            "7.属于行政执法案卷",
            "8.属于行政查询事项",
        ),
    ),
    (
        "（四）无法提供",
        ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"),
    ),
    (
        "（五）不予处理",
        (
            "1.信访举报投诉类申请",
            "2.重复申请",
            "3.要求提供公开出版物",
            "4.无正当理由大量反复申请",
            "5.要求行政机关确认或重新出具已获取信息",
        ),
    ),
    (
        "（六）其他处理",
        (
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "3.其他",
        ),
    ),
    (None, ("（七）总计",)),
)
T4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def t2_table(values: list[str], with_2019_row: bool) -> TableSpec:
    numbers = iter(values)
    rows = []
    for title, headers, labels in T2_BLOCKS:
        if with_2019_row and title.endswith("（五）项"):
            labels += (T2_2019_ROW,)
        span = 3 // len(headers)
        rows.append([Span(title, cols=4)])
        rows.append([Span("信息内容")] + [Span(h, cols=span) for h in headers])
        rows += [[Span(label)] + [Span(next(numbers), cols=span) for _ in headers] for label in labels]
    return TableSpec(rows, [4.0] * 4)


def t3_table(values: list[str], corner_rows: int) -> TableSpec:
    """3 header rows; the corner note covers 2 or 3 of them (both occur in real reports)."""
    rows = [
        [Span(T3_NOTE, rows=corner_rows, cols=3), Span("申请人情况", cols=7)],
        [Span("自然人", rows=2), Span("法人或其他组织", cols=5), Span("总计", rows=2)],
        ([] if corner_rows == 3 else [Span("", cols=3)]) + [Span(org) for org in T3_ORGS],
    ]
    numbers = [[Span(v) for v in values[i : i + 7]] for i in range(0, len(values), 7)]
    rows.append([Span("一、本年新收政府信息公开申请数量", cols=3)] + numbers[0])
    rows.append([Span("二、上年结转政府信息公开申请数量", cols=3)] + numbers[1])
    result_rows = sum(len(leaves) for _, leaves in T3_RESULTS)
    row_numbers = iter(numbers[2:])
    lead = [Span("三、本年度办理结果", rows=result_rows)]  # only in front of the first result row
    for group, leaves in T3_RESULTS:
        for k, leaf in enumerate(leaves):
            if group is None:
                labels = [Span(leaf, cols=2)]
            else:
                labels = ([Span(group, rows=len(leaves))] if k == 0 else []) + [Span(leaf)]
            rows.append(lead + labels + next(row_numbers))
            lead = []
    rows.append([Span("四、结转下年度继续办理", cols=3)] + next(row_numbers))
    return TableSpec(rows, [1.2, 1.8, 5.3] + [1.1] * 7)


def t4_table(values: list[str]) -> TableSpec:
    return TableSpec(
        [
            [Span("行政复议", cols=5), Span("行政诉讼", cols=10)],
            [Span(label, rows=2) for label in T4_RESULTS]
            + [Span("未经复议直接起诉", cols=5), Span("复议后起诉", cols=5)],
            [Span(label) for label in T4_RESULTS * 2],
            [Span(v) for v in values],
        ],
        [PAGE_WIDTH_CM / 15] * 15,
    )


# ---------------------------------------------------------------------------------------------
# Seed reader: the flattened text exports (tab form, one cell a line; or pipe-terminated lines).

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_PART_HEADING = re.compile(r"^[一二三四五六]、")
_TABLE_PARTS = {"二": "t2", "三": "t3", "四": "t4"}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CELL_EDGES = " \t\u00a0\u3000|"


@dataclass
class Seed:
    stem: str  # "000"
    items: list[str | TableSpec]  # paragraphs and tables in reading order
    values: dict[str, list[str]]  # t2 / t3 / t4 numbers in table order (t3 row by row)
    title_lines: int


def read_seed(path: Path) -> Seed:
    """Narrative and small tables in order; the numbers of the tables under the 二/三/四 headings."""
    items: list[str | TableSpec] = []
    regions: dict[str, list[str]] = {}  # table part -> its raw lines
    region, loose_cells = None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = _clean(line)
        is_cell = line.startswith("\t") or line.rstrip().endswith("|")
        is_heading = not is_cell and _is_heading(text)
        if is_heading:
            region = _TABLE_PARTS.get(text[0])
        elif region:
            regions.setdefault(region, []).append(line)
            continue
        if is_cell or (loose_cells and not text):
            loose_cells.append(text)
            continue
        if loose_cells:
            items.append(simple_table(loose_cells))
            loose_cells = []
        if text:
            items.append(text)
        if is_heading and region:
            items.append(region)  # placeholder, replaced once the values are known
    values = {
        part: [v for v in map(_clean, lines) if _NUMBER.fullmatch(v)] for part, lines in regions.items()
    }
    with_2019_row = any(T2_2019_ROW in line for line in regions.get("t2", []))
    _check_counts(path, values, with_2019_row)
    tables = {
        "t2": t2_table(values["t2"], with_2019_row),
        "t3": t3_table(values["t3"], corner_rows=3 if int(path.name[:3]) % 2 == 0 else 2),
        "t4": t4_table(values["t4"]),
    }
    items = [tables.get(item, item) if isinstance(item, str) else item for item in items]
    title_lines = next(i for i, item in enumerate(items) if not _is_title_line(item))
    return Seed(path.name[:3], items, values, title_lines)


def simple_table(cells: list[str]) -> TableSpec:
    """A small table in the narrative (seed 001's staff list): the first row's cell count is the width."""
    width = cells.index("") if "" in cells else len(cells)
    texts = [c for c in cells if c]
    rows = [[Span(t) for t in texts[i : i + width]] for i in range(0, len(texts), width)]
    return TableSpec(rows, [PAGE_WIDTH_CM / width] * width)


def _clean(line: str) -> str:
    return _BOOKMARK.sub("", line).strip(_CELL_EDGES)


def _check_counts(path: Path, values: dict[str, list[str]], with_2019_row: bool) -> None:
    expected = {"t2": 11 if with_2019_row else 10, "t3": 175, "t4": 15}
    for part, count in expected.items():
        if len(values.get(part, [])) != count:
            raise SystemExit(f"{path.name}: {part} has {len(values.get(part, []))} values, expected {count}")


def _is_title_line(item: str | TableSpec) -> bool:
    return isinstance(item, str) and len(item) <= 40 and "。" not in item


def _is_heading(text: str) -> bool:
    return bool(_PART_HEADING.match(text)) or text.endswith("需要报告的事项")


# ---------------------------------------------------------------------------------------------
# .docx


def render_docx(seed: Seed) -> bytes:
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    _page_number_footer(section.footer.paragraphs[0], dashes=int(seed.stem) % 2 == 1)
    for index, item in enumerate(seed.items):
        if isinstance(item, TableSpec):
            _docx_table(document, item)
            continue
        paragraph = document.add_paragraph()
        run = paragraph.add_run(item)
        if index < seed.title_lines:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold, run.font.size = True, Pt(16)
        elif _is_heading(item):
            run.bold = True
        else:
            paragraph.paragraph_format.first_line_indent = Pt(24)
    out = BytesIO()
    document.save(out)
    return _stable_zip(out.getvalue())


def _docx_table(document, spec: TableSpec) -> None:
    table = document.add_table(rows=len(spec.rows), cols=len(spec.widths_cm))
    table.style, table.alignment, table.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
    for column, width in zip(table.columns, spec.widths_cm):
        column.width = Cm(width)
    for (
        row
    ) in table.rows:  # a page break may fall between rows, never inside one (as Word's "不允许跨页断行")
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for r, c, span in layout(spec.rows):
        cell = table.cell(r, c)
        if span.rows > 1 or span.cols > 1:
            cell = cell.merge(table.cell(r + span.rows - 1, c + span.cols - 1))
        cell.width = Cm(sum(spec.widths_cm[c : c + span.cols]))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(span.text).font.size = Pt(9)


def _page_number_footer(paragraph, dashes: bool) -> None:
    """A PAGE field ("3" or "- 3 -"): the PDF gets running page numbers the loader must drop."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if dashes:
        paragraph.add_run("- ")
    field, run, text = OxmlElement("w:fldSimple"), OxmlElement("w:r"), OxmlElement("w:t")
    field.set(qn("w:instr"), "PAGE")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    if dashes:
        paragraph.add_run(" -")


def _stable_zip(data: bytes) -> bytes:
    """Fixed member timestamps, so re-running the script leaves the committed .docx unchanged."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member))
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# .html: the report inside a CMS page with navigation, breadcrumb, sidebar, share bar and footer.


@dataclass
class Site:
    issuer: str
    published: str  # ISO date, written to a CMS meta tag and the visible 发布时间
    date_meta: str  # which meta tag carries the date
    charset: str


SITES = {
    "000": Site("临淄区齐都镇人民政府", "2025-01-20", "PubDate", "utf-8"),
    "001": Site("临淄区金岭回族镇人民政府", "2023-01-29", "publishdate", "gbk"),
    "002": Site("定州市清风店镇人民政府", "2025-01-15", "firstpublishedtime", "gbk"),
    "003": Site("沂源县大张庄镇人民政府", "2025-01-22", "article:published_time", "utf-8"),
    "004": Site("淄博经济开发区管理委员会", "2025-01-24", "PubDate", "utf-8"),
}

_DATE_META = {
    "PubDate": '<meta name="PubDate" content="{d} 09:30">',
    "publishdate": '<meta name="publishdate" content="{d}">',
    "firstpublishedtime": '<meta name="firstpublishedtime" content="{d}-10:22:31">',
    "article:published_time": '<meta property="article:published_time" content="{d}T16:05:00+08:00">',
}

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{title}_{issuer}</title>
<meta name="SiteName" content="{issuer}">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="ArticleTitle" content="{title}">
{date_meta}
<link rel="stylesheet" href="/static/css/main.css">
<style>.article p{{text-indent:2em;line-height:1.8}} .article table{{border-collapse:collapse}}</style>
<script src="/static/js/jquery.min.js"></script>
<script>var _hmt = _hmt || []; /* 网站统计 版权所有 */</script>
</head>
<body>
<div class="topbar">欢迎访问{issuer}网站 <a href="/wza/">无障碍浏览</a> <a href="/zzmode/">长者模式</a></div>
<div id="header" class="header">
  <div class="logo"><img src="/static/img/logo.png" alt="{issuer}"></div>
  <form class="search-box" action="/search/"><input name="q" placeholder="请输入关键字"><button>搜索</button></form>
</div>
<div class="nav"><ul>
  <li><a href="/">首页</a></li><li><a href="/zjxz/">走进我镇</a></li><li><a href="/zwgk/">政务公开</a></li>
  <li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li>
</ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>
<div class="main">
  <div class="sidebar"><h3>信息公开目录</h3><ul>
    <li><a href="/zwgk/zn/">政府信息公开指南</a></li><li><a href="/zwgk/zd/">政府信息公开制度</a></li>
    <li><a href="/zwgk/fdzdgknr/">法定主动公开内容</a></li><li><a href="/zwgk/ndbg/">政府信息公开年报</a></li>
  </ul></div>
  <div class="content">
    <h1 class="title">{title}</h1>
    <div class="info">发布时间：{published}　来源：{issuer}　浏览次数：<span id="views">0</span>　字号：<a>大</a> <a>中</a> <a>小</a></div>
    <div class="article">
{article}
    </div>
    <div class="share">分享到：<a>微信</a> <a>微博</a> <a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
  </div>
</div>
<div class="footer">
  <p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/mzsm/">免责声明</a></p>
  <p>主办单位：{issuer}　版权所有：{issuer}</p>
  <p>网站标识码：3703050001　鲁ICP备05001234号-1　鲁公网安备 37030502000123号</p>
</div>
</body>
</html>
"""


def render_html(seed: Seed) -> bytes:
    site = SITES[seed.stem]
    title_lines = seed.items[: seed.title_lines]
    # the title is one centred paragraph broken with <br>, as CMS editors paste it
    article = [
        f'<p style="text-align:center;text-indent:0"><strong>{"<br>".join(map(_escape, title_lines))}</strong></p>'
    ]
    for item in seed.items[seed.title_lines :]:
        if isinstance(item, TableSpec):
            article.append(_html_table(item))
        elif _is_heading(item):
            article.append(f"<p><strong>{_escape(item)}</strong></p>")
        else:
            article.append(f"<p>{_escape(item)}</p>")
    page = _PAGE.format(
        charset=site.charset,
        title=_escape("".join(title_lines)),
        issuer=site.issuer,
        date_meta=_DATE_META[site.date_meta].format(d=site.published),
        published=site.published,
        article="\n".join(article),
    )
    return page.encode(site.charset, errors="xmlcharrefreplace")  # GBK has no NBSP: it becomes &#160;


def _html_table(spec: TableSpec) -> str:
    rows = []
    for row in spec.rows:
        cells = "".join(
            f'<td{_span_attributes(span)}><p style="text-align:center;text-indent:0">'
            f"<span>{_escape(span.text) or '&nbsp;'}</span></p></td>"
            for span in row
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        '<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


def _span_attributes(span: Span) -> str:
    return (f' rowspan="{span.rows}"' if span.rows > 1 else "") + (
        f' colspan="{span.cols}"' if span.cols > 1 else ""
    )


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


# ---------------------------------------------------------------------------------------------
# PDF, legacy Word and the negative fixtures


def check_pdf_text(pdf: Path, expected: str) -> None:
    """LibreOffice without a CJK font still writes a PDF, but its text is garbage (P7)."""
    with pdfplumber.open(pdf) as document:
        text = document.pages[0].extract_text() or ""
    if expected not in text.replace(" ", ""):
        raise SystemExit(f"{pdf.name}: PDF text is not the report's Chinese text (is {FONT} installed?)")


def image_only_pdf() -> bytes:
    """A 'scanned' page: text drawn into a bitmap, no text layer."""
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT_FILE), 44) if FONT_FILE.exists() else ImageFont.load_default()
    draw.text((180, 160), "某某镇2024年政府信息公开工作年度报告", fill=0, font=font)
    for y in range(320, 1500, 60):
        draw.line((150, y, 1090, y), fill=90, width=3)
    out = BytesIO()
    page.save(out, "PDF", resolution=150)
    return out.getvalue()


MEETING_NOTICE = """关于召开2025年第一季度安全生产工作会议的通知

各村（社区）、镇直各部门：
经研究，定于2025年3月12日（星期三）上午9:00在镇政府三楼会议室召开2025年第一季度安全生产工作会议，现将有关事项通知如下：
一、参会人员
各村（社区）党组织书记，镇直各部门主要负责人。
二、会议内容
传达上级安全生产工作会议精神，部署第一季度安全生产重点工作。
三、有关要求
请参会人员提前10分钟到场签到，不得无故缺席。
联系人：王某某，联系电话：0533-1234567。

某某镇人民政府办公室
2025年3月10日
"""


def libreoffice(sources: list[Path], target: str, outdir: Path = GENERATED) -> list[Path]:
    """Convert with soffice (one run for all sources); the paths of the files it wrote."""
    try:
        convert(sources, target, outdir)
    except LoadError as exc:
        raise SystemExit(f"LibreOffice: {exc}") from None
    outputs = [outdir / f"{source.stem}.{target.split(':')[0]}" for source in sources]
    missing = [path.name for path in outputs if not path.is_file()]
    if missing:
        raise SystemExit(f"LibreOffice did not write {', '.join(missing)}")
    return outputs


def large_print_pdf(source: Path, points: int = 13) -> bytes:
    """The report at a larger type size: 001 then runs to 6 pages, the size the speed target is
    set for, with table 三 split over pages."""
    document = docx.Document(source)
    cells = (c for t in document.tables for row in t.rows for c in row.cells)
    paragraphs = [*document.paragraphs, *(p for c in cells for p in c.paragraphs)]
    for run in (r for p in paragraphs for r in p.runs):
        run.font.size = Pt(points)
    with tempfile.TemporaryDirectory(prefix="nianbao-fixtures-") as tmp:
        large = Path(tmp) / f"{source.stem}-large.docx"
        document.save(large)
        [pdf] = libreoffice([large], "pdf", Path(tmp))
        return pdf.read_bytes()


def encrypted_pdf(source: Path) -> bytes:
    with tempfile.TemporaryDirectory(prefix="nianbao-fixtures-") as tmp:
        [pdf] = libreoffice([source], ENCRYPTED_PDF_FILTER, Path(tmp))
        return pdf.read_bytes()


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")


# ---------------------------------------------------------------------------------------------
# Realistic fixtures (tests/fixtures/realistic/, described by expected.json there): the forms
# offices really publish in. A report saved as a CMS web page (site navigation, Word-export markup,
# rowspan/colspan tables, a label typo), that page printed by headless Chromium (staged page breaks
# inside 表二 and 表三) and converted by LibreOffice, PDFs whose narrative sits in per-line boxes or
# single-cell bordered tables, and a 2019-format page with negative 本年增/减 values. All text is
# the project's own: a fictional township (2024 report, 2021 format) and a fictional county bureau
# (2020 report, 2019 trial format). Expected cells are computed from the same data, never read
# back from the tools under test.

REALISTIC = ROOT / "tests/fixtures/realistic"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)
STANDARD_TITLE = "政府信息公开工作年度报告"
_BLOCK_NUMERAL = {"art20_1": "一", "art20_5": "五", "art20_6": "六", "art20_8": "八", "art20_9": "九"}


@dataclass(frozen=True)
class T2Block:
    key: str  # art20_1 …
    headers: tuple[tuple[str, str], ...]  # (printed column header, column key)
    rows: tuple[tuple[str, str, tuple[str, ...]], ...]  # (printed label, row key, printed values)


@dataclass(frozen=True)
class Report:
    stem: str
    issuer: str
    year: int
    template: str  # "2021" or "2019": which table layout is printed
    published: str  # the page's 发布时间 (ISO date)
    site: str  # the website's name, after the title in <title>
    column: str  # the breadcrumb's last step
    body: tuple[
        tuple, ...
    ]  # ("p", text) | ("h", part heading) | ("lead", bold lead, rest) | ("t2",) ("t3",) ("t4",)
    signature: tuple[str, str]  # signer, date
    t2: tuple[T2Block, ...]
    t3: dict  # row key -> the 6 applicant columns (rows not named are all zero; totals are derived)
    t4: tuple[
        tuple[int, int, int, int], ...
    ]  # per group: 结果维持, 结果纠正, 其他结果, 尚未审结 (总计 derived)
    t3_labels: dict = field(default_factory=dict)  # row key -> printed label where it differs (the typo)

    @property
    def title(self) -> str:
        return f"{self.issuer}{self.year}年{STANDARD_TITLE}"


def _t3_result_rows(template: str) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """(group label or None, [(row key, printed label)]) of 「三、本年度办理结果」, in the fixed order.
    The 2019 format has （六）其他处理 as one data row (its numbers: t3_groups.other_handling)."""
    keys = iter(S.LEAVES + ("results_total",))
    out: list[tuple[str | None, list[tuple[str, str]]]] = []
    for group, leaves in T3_RESULTS:
        pairs = [(next(keys), leaf) for leaf in leaves]
        if template == "2019" and group == "（六）其他处理":
            out.append((None, [("other_handling", group)]))
        else:
            out.append((group, pairs))
    return out


def t3_rows(report: Report) -> dict[str, tuple[int, ...]]:
    """Every printed row of 表三 with its 7 numbers; 总计 column, （七）总计 and 结转 are derived, so
    R-T3-ROW, R-T3-RES and R-T3-BAL hold by construction."""

    def full(key: str) -> tuple[int, ...]:
        six = tuple(report.t3.get(key, (0,) * 6))
        return (*six, sum(six))

    leaves = [
        key for _, rows in _t3_result_rows(report.template) for key, _ in rows if key != "results_total"
    ]
    unknown = set(report.t3) - set(leaves) - {"new_received", "carried_over"}
    if unknown:
        raise SystemExit(f"{report.stem}: 表三 has no rows {sorted(unknown)} in the {report.template} format")
    rows = {"new_received": full("new_received"), "carried_over": full("carried_over")}
    rows.update({key: full(key) for key in leaves})
    rows["results_total"] = tuple(sum(rows[k][c] for k in leaves) for c in range(7))
    rows["carried_forward"] = tuple(
        rows["new_received"][c] + rows["carried_over"][c] - rows["results_total"][c] for c in range(7)
    )
    if min(rows["carried_forward"]) < 0:
        raise SystemExit(f"{report.stem}: 表三 results exceed the applications")
    return rows


def t4_values(report: Report) -> list[int]:
    return [v for group in report.t4 for v in (*group, sum(group))]


def _number(raw: str) -> int | float:
    text = unicodedata.normalize("NFKC", raw)
    return float(text) if "." in text else int(text)


def expected_cells(report: Report) -> dict[str, int | float]:
    """Canonical cells as nianbao's JSON ``tables`` names them: 2021 cells under t2/t3/t4, the
    2019-only ones under t2_2019, the 2019 single （六）其他处理 row under t3_groups."""
    cells: dict[str, int | float] = {}
    for block in report.t2:
        for _, row, values in block.rows:
            in_2021 = S.T2_2021.get(block.key, {}).get(row, ())
            for (_, column), raw in zip(block.headers, values):
                prefix = "t2" if column in in_2021 else "t2_2019"
                cells[f"{prefix}.{block.key}.{row}.{column}"] = _number(raw)
    for key, values in t3_rows(report).items():
        prefix = "t3_groups" if key == "other_handling" else "t3"
        cells.update({f"{prefix}.{key}.{column}": v for column, v in zip(S.T3_COLUMNS, values)})
    keys = [(g, c) for g in S.T4_GROUPS for c in S.T4_COLUMNS]
    cells.update({f"t4.{g}.{c}": v for (g, c), v in zip(keys, t4_values(report))})
    return cells


# ---- the printed tables (HTML-style rows, as for the seed fixtures) ------------------------


def realistic_t2(report: Report) -> TableSpec:
    """A 7-column grid (label + 6), so blocks of 1, 2 or 3 value columns all line up."""
    rows: list[list[Span]] = []
    for block in report.t2:
        span = 6 // len(block.headers)
        rows.append([Span(f"第二十条第（{_BLOCK_NUMERAL[block.key]}）项", cols=7)])
        rows.append([Span("信息内容")] + [Span(header, cols=span) for header, _ in block.headers])
        rows += [[Span(label)] + [Span(v, cols=span) for v in values] for label, _, values in block.rows]
    return TableSpec(rows, [4.0] + [2.0] * 6)


def realistic_t3(report: Report) -> TableSpec:
    """The official layout: 「三、本年度办理结果」 one rowspan over every result row in a narrow first
    column, the group labels （三）…（六） as rowspans in a narrow second one, （一）（二）（七） (and the
    2019 （六）) across both; the leaf labels wrap in a narrow third column."""
    numbers = {k: [Span(str(v)) for v in vals] for k, vals in t3_rows(report).items()}
    rows = [
        [Span(T3_NOTE, rows=3, cols=3), Span("申请人情况", cols=7)],
        [Span("自然人", rows=2), Span("法人或其他组织", cols=5), Span("总计", rows=2)],
        [Span(org) for org in T3_ORGS],
    ]

    def add(key: str, labels: list[Span]) -> None:
        rows.append(labels + numbers[key])

    add("new_received", [Span("一、本年新收政府信息公开申请数量", cols=3)])
    add("carried_over", [Span("二、上年结转政府信息公开申请数量", cols=3)])
    groups = _t3_result_rows(report.template)
    lead = [Span("三、本年度办理结果", rows=sum(len(leaves) for _, leaves in groups))]
    for group, leaves in groups:
        for k, (key, text) in enumerate(leaves):
            text = report.t3_labels.get(key, text)
            labels = (
                [Span(text, cols=2)]
                if group is None
                else (([Span(group, rows=len(leaves))] if k == 0 else []) + [Span(text)])
            )
            add(key, lead + labels)
            lead = []
    add("carried_forward", [Span("四、结转下年度继续办理", cols=3)])
    return TableSpec(rows, [0.9, 1.7, 3.6] + [1.4] * 7)


def realistic_t4(report: Report) -> TableSpec:
    return t4_table([str(v) for v in t4_values(report)])


def report_tables(report: Report) -> dict[str, TableSpec]:
    return {"t2": realistic_t2(report), "t3": realistic_t3(report), "t4": realistic_t4(report)}


# ---- the two reports ----------------------------------------------------------------------

T2_2021_HEADERS = {
    "art20_1": (("本年制发件数", "issued"), ("本年废止件数", "repealed"), ("现行有效件数", "in_force")),
    "decisions": (("本年处理决定数量", "decisions"),),
    "art20_8": (("本年收费金额（单位：万元）", "amount_10k_yuan"),),
}
T2_2019_HEADERS = {
    "art20_1": (
        ("本年新制作数量", "new_made"),
        ("本年新公开数量", "new_published"),
        ("对外公开总数量", "total_published"),
    ),
    "items": (("上一年项目数量", "prev_year_items"), ("本年增/减", "change"), ("处理决定数量", "decisions")),
    "art20_8": (("上一年项目数量", "prev_year_items"), ("本年增/减", "change")),
    "art20_9": (("采购项目数量", "procurement_items"), ("采购总金额", "procurement_amount")),
}
TYPO_ROW = "denied_law_prohibited"
TYPO_LABEL = "2.其他法律行政法规禁制公开"  # 禁止 → 禁制: a homophone slip of the input method

TOWNSHIP_2024 = Report(
    stem="portal_2024",
    issuer="云溪县桃岭镇人民政府",
    year=2024,
    template="2021",
    published="2025-01-20",
    site="云溪县人民政府网",
    column="乡镇年报",
    body=(
        (
            "p",
            "本报告由云溪县桃岭镇人民政府根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国"
            "政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）的要求编制，全文包括总体情况、主动公开政府信息"
            "情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要"
            "报告的事项六个部分。本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。本报告电子版可在云溪县"
            "人民政府网“乡镇信息公开”栏目查阅。如对本报告有疑问，请与桃岭镇党政综合办公室联系（地址：云溪县桃岭镇兴业路"
            "18号，邮编：536199，电话：0779-5512345，电子邮箱：yxtlzzb@163.com）。",
        ),
        ("h", "一、总体情况"),
        (
            "p",
            "2024年，桃岭镇坚持以公开促落实、以公开强监管、以公开优服务，对照《条例》和县政务公开工作要点，围绕惠民补贴、"
            "乡村振兴、安全生产等群众关心的事项及时准确发布信息，政府信息公开工作总体平稳有序。",
        ),
        (
            "lead",
            "（一）主动公开。",
            "全年通过县政府网镇级信息公开专栏主动公开政府信息312条，其中政策文件及解读材料41条，"
            "财政预决算信息9条，惠民补贴和乡村振兴信息86条，应急管理和安全生产信息57条。全年制发行政规范性文件3件，"
            "均在印发之日起20个工作日内公开；废止行政规范性文件1件，截至目前现行有效的行政规范性文件12件。全年作出"
            "行政许可决定156件、行政处罚决定23件、行政强制决定4件，处理结果均按规定公示。",
        ),
        (
            "lead",
            "（二）依申请公开。",
            "本年度新收政府信息公开申请39件，上年结转3件；办结40件，其中予以公开16件，部分公开"
            "6件，不予公开8件，无法提供6件，不予处理3件，其他处理1件；结转下年度继续办理2件。全年因政府信息公开工作被"
            "申请行政复议2件、被提起行政诉讼2件，其中行政复议结果纠正1件，已按复议决定重新答复。",
        ),
        (
            "lead",
            "（三）政府信息管理。",
            "落实公开属性源头认定和保密审查制度，拟公开信息经经办人初审、分管负责人复审、主要"
            "负责人终审后发布，全年未发生泄密或不当公开个人信息的情况。对照县级部门主动公开基本目录更新本镇公开事项清单，"
            "调整公开事项14项。",
        ),
        (
            "lead",
            "（四）政府信息公开平台建设。",
            "以县政府网镇级专栏为第一平台，同步通过“桃岭发布”微信公众号推送重要政策和"
            "办事提醒268条；在镇便民服务中心设置政务公开专区，配备查阅电脑和纸质资料，方便群众现场查阅。",
        ),
        (
            "lead",
            "（五）监督保障。",
            "镇主要负责人每季度听取一次政务公开工作汇报，配备专职工作人员2名、村级兼职信息员12名，"
            "全年组织业务培训3次。在2024年度县政务公开工作考核中我镇得分93.5分，考核等次为良好；开展社会评议1次，"
            "群众满意率为96%；全年未发生因政府信息公开工作被责任追究的情况。",
        ),
        ("h", "二、主动公开政府信息情况"),
        ("t2",),
        ("h", "三、收到和处理政府信息公开申请情况"),
        ("t3",),
        ("h", "四、政府信息公开行政复议、行政诉讼情况"),
        ("t4",),
        ("h", "五、存在的主要问题及改进情况"),
        (
            "p",
            "2023年度报告中提出的“栏目信息更新不及时”问题已整改到位，全年各栏目更新时限均符合要求。对照年度工作要求，"
            "我镇政府信息公开工作仍存在以下不足：一是政策解读形式较为单一，图解和音视频解读偏少；二是村级公开栏内容更新"
            "不够及时，个别村仍张贴过期信息。",
        ),
        (
            "p",
            "下一步，我镇将增加图解、短视频等解读形式，确保本镇制发的政策文件同步解读；建立村级公开栏每月检查制度，由包村"
            "干部督促更新，并将检查结果纳入村级年度考核。",
        ),
        ("h", "六、其他需要报告的事项"),
        ("p", "（一）信息处理费收取情况。本年度未收取信息处理费，未发出收费通知。"),
        (
            "p",
            "（二）人大代表建议和政协提案办理结果公开情况。本年度承办县人大代表建议2件、县政协提案1件，均已按期办结，"
            "办理结果已在专栏公开。",
        ),
        (
            "p",
            "（三）落实上级年度政务公开工作要点情况。按照《云溪县2024年政务公开工作要点》，完成基层政务公开标准目录更新、"
            "惠民补贴信息“一卡通”公示等各项任务。",
        ),
        (
            "p",
            "（四）政务公开工作创新情况。在镇便民服务中心推行“政策明白纸”，把群众常问的12项惠民政策编成一页纸说明，全年"
            "免费发放4000余份。",
        ),
    ),
    signature=("云溪县桃岭镇人民政府", "2025年1月16日"),
    t2=(
        T2Block(
            "art20_1",
            T2_2021_HEADERS["art20_1"],
            (
                ("规章", "regulations", ("0", "0", "0")),
                ("行政规范性文件", "normative_documents", ("3", "1", "12")),
            ),
        ),
        T2Block("art20_5", T2_2021_HEADERS["decisions"], (("行政许可", "admin_licensing", ("156",)),)),
        T2Block(
            "art20_6",
            T2_2021_HEADERS["decisions"],
            (("行政处罚", "admin_penalty", ("23",)), ("行政强制", "admin_coercion", ("4",))),
        ),
        T2Block("art20_8", T2_2021_HEADERS["art20_8"], (("行政事业性收费", "admin_fees", ("12.35",)),)),
    ),
    t3={
        "new_received": (31, 4, 0, 1, 2, 1),
        "carried_over": (2, 1, 0, 0, 0, 0),
        "granted": (12, 2, 0, 1, 1, 0),
        "partially_granted": (5, 1, 0, 0, 0, 0),
        "denied_state_secret": (1, 0, 0, 0, 0, 0),
        "denied_law_prohibited": (2, 0, 0, 0, 0, 0),
        "denied_third_party": (1, 0, 0, 0, 0, 0),
        "denied_internal_affairs": (1, 0, 0, 0, 0, 0),
        "denied_process_info": (2, 0, 0, 0, 0, 0),
        "denied_admin_query": (1, 0, 0, 0, 0, 0),
        "unable_not_held": (3, 1, 0, 0, 0, 0),
        "unable_needs_creation": (1, 0, 0, 0, 0, 1),
        "np_petition_complaint": (1, 0, 0, 0, 0, 0),
        "np_repeat": (1, 0, 0, 0, 1, 0),
        "oh_no_correction": (1, 0, 0, 0, 0, 0),
    },
    t4=((1, 1, 0, 0), (1, 0, 0, 1), (0, 0, 0, 0)),
    t3_labels={TYPO_ROW: TYPO_LABEL},
)

BUREAU_2020 = Report(
    stem="portal_2020",
    issuer="云溪县市场监督管理局",
    year=2020,
    template="2019",
    published="2021-01-22",
    site="云溪县人民政府网",
    column="部门年报",
    body=(
        (
            "p",
            "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告"
            "格式（试行）》的要求，由云溪县市场监督管理局编制。本报告所列数据的统计期限自2020年1月1日起至2020年12月31日"
            "止。如对本报告有疑问，请与云溪县市场监督管理局办公室联系（地址：云溪县城南大道66号，邮编：536100，电话："
            "0779-5523456，电子邮箱：yxscjgj@163.com）。",
        ),
        ("h", "一、总体情况"),
        (
            "p",
            "2020年，县市场监督管理局围绕疫情防控、复工复产和食品药品安全等重点工作，依法做好政府信息公开，各项工作有序推进。",
        ),
        (
            "lead",
            "（一）主动公开。",
            "全年主动公开政府信息428条，其中企业登记和许可类信息186条、处罚类信息74条、抽查检查"
            "结果信息52条。全年作出行政许可决定1328件、行政处罚决定74件，均在作出决定后7个工作日内公示。",
        ),
        (
            "lead",
            "（二）依申请公开。",
            "全年新收政府信息公开申请18件，上年结转1件；办结18件，结转下年度继续办理1件。因政府"
            "信息公开工作被申请行政复议1件、被提起行政诉讼1件，其中行政诉讼尚未审结。",
        ),
        (
            "lead",
            "（三）政府信息管理。",
            "建立信息发布前保密审查和公开属性认定机制，全年审查拟公开信息430余条，未发现涉密和"
            "不当公开个人信息的情况。",
        ),
        (
            "lead",
            "（四）平台建设。",
            "依托县政府网部门专栏和“云溪市场监管”微信公众号发布信息，在办事大厅设置政府信息查阅点。",
        ),
        (
            "lead",
            "（五）监督保障。",
            "局主要负责人牵头抓政务公开工作，办公室配备专职人员1名，全年组织业务培训2次；本年度"
            "未发生因政府信息公开工作被责任追究的情况。",
        ),
        ("h", "二、主动公开政府信息情况"),
        ("t2",),
        ("h", "三、收到和处理政府信息公开申请情况"),
        ("t3",),
        ("h", "四、政府信息公开行政复议、行政诉讼情况"),
        ("t4",),
        ("h", "五、存在的主要问题及改进情况"),
        (
            "p",
            "上年度报告中提出的问题已整改到位。本年度仍存在以下问题：一是部分抽查检查结果公开不够及时；二是政策解读的"
            "针对性有待加强。下一步，我局将建立抽查结果公开台账，做到检查结束后20个工作日内公开；围绕企业关心的登记注册、"
            "质量监管政策开展图文解读。",
        ),
        ("h", "六、其他需要报告的事项"),
        ("p", "本年度未收取政府信息公开相关费用。"),
    ),
    signature=("云溪县市场监督管理局", "2021年1月20日"),
    t2=(
        T2Block(
            "art20_1",
            T2_2019_HEADERS["art20_1"],
            (
                ("规章", "regulations", ("0", "0", "0")),
                ("规范性文件", "normative_documents", ("2", "2", "15")),
            ),
        ),
        T2Block(
            "art20_5",
            T2_2019_HEADERS["items"],
            (
                ("行政许可", "admin_licensing", ("46", "-3", "1328")),
                ("其他对外管理服务事项", "other_admin_services", ("9", "1", "215")),
            ),
        ),
        T2Block(
            "art20_6",
            T2_2019_HEADERS["items"],
            (
                ("行政处罚", "admin_penalty", ("21", "0", "74")),
                ("行政强制", "admin_coercion", ("4", "-1", "6")),
            ),
        ),
        T2Block("art20_8", T2_2019_HEADERS["art20_8"], (("行政事业性收费", "admin_fees", ("3", "-2")),)),
        T2Block("art20_9", T2_2019_HEADERS["art20_9"], (("政府集中采购", "gov_procurement", ("5", "86.4")),)),
    ),
    t3={
        "new_received": (14, 3, 0, 0, 1, 0),
        "carried_over": (1, 0, 0, 0, 0, 0),
        "granted": (7, 1, 0, 0, 1, 0),
        "partially_granted": (2, 0, 0, 0, 0, 0),
        "denied_third_party": (1, 0, 0, 0, 0, 0),
        "denied_process_info": (1, 0, 0, 0, 0, 0),
        "unable_not_held": (2, 0, 0, 0, 0, 0),
        "unable_needs_creation": (0, 1, 0, 0, 0, 0),
        "np_repeat": (1, 0, 0, 0, 0, 0),
        "other_handling": (1, 0, 0, 0, 0, 0),
    },
    t4=((1, 0, 0, 0), (0, 0, 0, 1), (0, 0, 0, 0)),
)


# ---- the saved web page: site chrome around Word-export markup ---------------------------

_MENUS = (
    (
        "政务公开",
        (
            "政府信息公开指南",
            "政府信息公开制度",
            "法定主动公开内容",
            "政府信息公开年报",
            "政策文件",
            "政策解读",
            "规划计划",
            "财政资金",
            "人事信息",
            "统计信息",
            "重点领域信息公开",
            "建议提案办理",
            "政府常务会议",
            "政府公报",
        ),
    ),
    (
        "办事服务",
        (
            "个人办事",
            "法人办事",
            "部门服务事项",
            "乡镇便民服务",
            "办事指南下载",
            "好差评",
            "证照查询",
            "收费目录清单",
        ),
    ),
    ("互动交流", ("县长信箱", "在线访谈", "意见征集", "网上调查", "12345热线", "常见问题解答", "依申请公开")),
    ("走进云溪", ("云溪概况", "历史沿革", "行政区划", "自然资源", "旅游景点", "特色产业", "今日云溪")),
)
_TOWNSHIPS = ("桃岭镇", "石门镇", "龙泉镇", "河口镇", "白沙乡", "青山乡", "金竹乡", "双溪乡")
_DEPARTMENTS = (
    "县发展和改革局",
    "县教育局",
    "县科学技术局",
    "县工业和信息化局",
    "县民族宗教事务局",
    "县民政局",
    "县司法局",
    "县财政局",
    "县人力资源和社会保障局",
    "县自然资源局",
    "县生态环境局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水利局",
    "县农业农村局",
    "县商务局",
    "县文化广电体育和旅游局",
    "县卫生健康局",
    "县退役军人事务局",
    "县应急管理局",
    "县审计局",
    "县市场监督管理局",
    "县统计局",
    "县医疗保障局",
    "县林业局",
    "县乡村振兴局",
    "县行政审批局",
    "县信访局",
    "县城市管理局",
    "县机关事务管理局",
    "县投资促进局",
    "县供销合作社",
    "县住房公积金管理中心",
    "县融媒体中心",
    "县气象局",
    "县档案馆",
    "县残疾人联合会",
    "县总工会",
    "县妇女联合会",
    "县科学技术协会",
    "县工商业联合会",
    "县红十字会",
    "县地方志编纂中心",
    "县公共资源交易中心",
    "县农业机械化服务中心",
    "县不动产登记中心",
    "县社会保险事业中心",
    "县就业服务中心",
    "县疾病预防控制中心",
    "县图书馆",
)
SIDEBAR_DEPARTMENTS = 12  # how many departments the sidebar lists, unless a staged print needs more

_PORTAL = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<title>{title}_{site}</title>
<meta name="SiteName" content="{site}" />
<meta name="SiteDomain" content="www.yunxi.example.cn" />
<meta name="SiteIDCode" content="0000000001" />
<meta name="ColumnName" content="{column}" />
<meta name="ColumnType" content="政府信息公开年报" />
<meta name="ArticleTitle" content="{title}" />
<meta name="PubDate" content="{published} 09:30" />
<meta name="ContentSource" content="{issuer}" />
<meta name="Keywords" content="政府信息公开,年度报告" />
<link href="../../../images/common.css" rel="stylesheet" type="text/css" />
<link href="../../../images/article.css" rel="stylesheet" type="text/css" />
<style type="text/css" media="print">@page {{ size: A4 portrait; margin: 12mm 14mm; }}</style>
<script type="text/javascript" src="../../../images/jquery-1.12.4.min.js"></script>
<script type="text/javascript">var pageInfo = {{ channel: "{column}", pubDate: "{published}" }};</script>
</head>
<body>
<div class="topbar"><div class="w1200">
<span class="welcome">您好，欢迎访问{site}！今天是<span id="today"></span></span>
<span class="toplinks"><a href="javascript:;">无障碍浏览</a> | <a href="javascript:;">长者模式</a>
 | <a href="../../../m/">手机版</a> | <a href="javascript:;">登录</a> | <a href="javascript:;">注册</a></span>
</div></div>
<div class="header"><div class="w1200">
<div class="logo"><a href="../../../"><img src="../../../images/logo.png" alt="{site}" /></a></div>
<div class="search"><form action="../../../search/" method="get">
<input type="text" name="q" value="请输入关键词" /><input type="submit" value="搜索" /></form>
<p class="hotwords">热门搜索：<a href="javascript:;">社保缴费</a> <a href="javascript:;">医保报销</a>
<a href="javascript:;">不动产登记</a> <a href="javascript:;">公积金提取</a> <a href="javascript:;">惠民补贴</a></p></div>
</div></div>
<div class="mainnav"><ul>
<li class="on"><a href="../../../">首页</a></li>
{top_menu}
</ul></div>
<div class="subnav">
{sub_menus}
</div>
<div class="w1200 clearfix">
<div class="leftside">
<div class="lefttitle">信息公开目录</div>
{unit_lists}
</div>
<div class="rightside">
<div class="position">当前位置：<a href="../../../">首页</a> &gt; <a href="../../">政务公开</a>
 &gt; <a href="../">政府信息公开年报</a> &gt; <a href="./">{column}</a></div>
<div class="article">
<div class="article_title">{title}</div>
<div class="article_info">发布时间：{published}　　来源：{issuer}　　浏览次数：<span id="hits"></span>
　　字号：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a></div>
<div class="article_con">
<div class="TRS_Editor"><style type="text/css">
.TRS_Editor P{{margin-top:0;margin-bottom:0;line-height:1.8;font-family:宋体;font-size:12pt;}}
.TRS_Editor DIV{{line-height:1.8;font-family:宋体;font-size:12pt;}}.TRS_Editor TD{{font-family:宋体;font-size:12pt;}}
</style>
<div class="Section0" style="layout-grid:15.6000pt;">
{article}
</div></div>
</div>
<div class="article_share">分享到：<a href="javascript:;">微信</a> <a href="javascript:;">微博</a>
<a href="javascript:;">QQ空间</a>　<a href="javascript:window.print();">【打印本页】</a>
<a href="javascript:window.close();">【关闭窗口】</a></div>
<div class="article_related"><div class="related_title">相关阅读</div><ul>
{related}
</ul></div>
</div>
</div>
</div>
<div class="footer"><div class="w1200">
<p><a href="javascript:;">网站地图</a> | <a href="javascript:;">联系我们</a> | <a href="javascript:;">使用帮助</a> | <a href="javascript:;">隐私声明</a></p>
<p>主办：云溪县人民政府办公室　承办：云溪县大数据发展中心　联系电话：0779-5510000</p>
<p>网站标识码：0000000001　ICP备案号：00000000号-1　公安机关备案号：00000000000001号</p>
</div></div>
</body>
</html>
"""


def _top_menu() -> str:
    return "\n".join(f'<li><a href="../../../{i}/">{name}</a></li>' for i, (name, _) in enumerate(_MENUS, 1))


def _sub_menus() -> str:
    return "\n".join(
        '<div class="subnav_item"><ul>'
        + "".join(f'<li><a href="../../../{i}/{j}/">{link}</a></li>' for j, link in enumerate(links, 1))
        + "</ul></div>"
        for i, (_, links) in enumerate(_MENUS, 1)
    )


def _unit_lists(departments: int) -> str:
    units = (("乡镇", _TOWNSHIPS), ("部门", _DEPARTMENTS[:departments]))
    return "\n".join(
        f'<div class="leftmenu"><h4>{kind}</h4><ul>'
        + "".join(
            f'<li><a href="../../../xxgk/{kind}{j}/">{unit}</a></li>' for j, unit in enumerate(names, 1)
        )
        + "</ul></div>"
        for kind, names in units
    )


def _related(report: Report) -> str:
    name = report.issuer
    others = [
        (f"{name}{report.year - 1}年{STANDARD_TITLE}", f"{report.year}-01-18"),
        (f"{name}{report.year - 2}年{STANDARD_TITLE}", f"{report.year - 1}-01-21"),
        (f"云溪县石门镇人民政府{report.year}年{STANDARD_TITLE}", f"{report.year + 1}-01-23"),
    ]
    return "\n".join(
        f'<li><a href="../{i}/">{_escape(t)}</a><span>{d}</span></li>' for i, (t, d) in enumerate(others, 1)
    )


_LATIN = re.compile(r"[0-9A-Za-z@._%/\-]+")
_CJK_FONT = "font-family:仿宋_GB2312;mso-hansi-font-family:'Times New Roman'"
_LATIN_FONT = "font-family:'Times New Roman';mso-fareast-font-family:仿宋_GB2312"


def _mso_runs(text: str, size: float, cjk_font: str = _CJK_FONT) -> str:
    """Word's runs: digits and Latin text in their own <span lang="EN-US"> with a Latin font."""
    runs, pos = [], 0
    for m in _LATIN.finditer(text):
        if m.start() > pos:
            runs.append(
                f'<span style="{cjk_font};font-size:{size:.1f}pt">{_escape(text[pos : m.start()])}</span>'
            )
        runs.append(
            f'<span lang="EN-US" style="{_LATIN_FONT};font-size:{size:.1f}pt">{_escape(m.group())}</span>'
        )
        pos = m.end()
    if pos < len(text):
        runs.append(f'<span style="{cjk_font};font-size:{size:.1f}pt">{_escape(text[pos:])}</span>')
    return "".join(runs)


_MSO_P = (
    '<p class="MsoNormal" style="{style}line-height:28.0000pt;mso-line-height-rule:exactly;\n'
    'mso-pagination:widow-orphan;">{runs}<span style="{font};font-size:16.0pt"><o:p></o:p></span></p>'
)


def _mso_paragraph(item: tuple) -> str:
    indent = "text-indent:32.0000pt;mso-char-indent-count:2.0000;"
    if item[0] == "h":
        runs = f'<b><span style="font-family:黑体;font-size:16.0pt">{_escape(item[1])}</span></b>'
    elif item[0] == "lead":
        runs = f"<b>{_mso_runs(item[1], 16, 'font-family:楷体_GB2312')}</b>{_mso_runs(item[2], 16)}"
    else:
        runs = _mso_runs(item[1], 16)
    return _MSO_P.format(style=indent, runs=runs, font=_CJK_FONT)


def _mso_signature(report: Report) -> str:
    blank = (
        '<p class="MsoNormal" style="line-height:28.0000pt;"><span style="font-size:16.0pt">&nbsp;</span></p>'
    )
    return "\n".join(
        [blank]
        + [
            _MSO_P.format(style="text-align:right;", runs=_mso_runs(text, 16), font=_CJK_FONT)
            for text in report.signature
        ]
    )


def _mso_table(spec: TableSpec, pad_numbers: bool = False) -> str:
    """A Word table exported to HTML: percentage widths, per-cell borders and styles, one
    <p class="MsoNormal"> per cell, &nbsp; in empty cells."""
    total = sum(spec.widths_cm)
    by_row: dict[int, list[str]] = {}
    for r, c, span in layout(spec.rows):
        width = sum(spec.widths_cm[c : c + span.cols]) / total * 100
        numeric = bool(_NUMBER.fullmatch(span.text.lstrip("-")))
        leaf = bool(re.match(r"\d\.", span.text))
        align = "left" if leaf or (not numeric and len(span.text) > 8 and span.cols < 3) else "center"
        text = _escape(span.text)
        if numeric and pad_numbers:
            text = "&nbsp;" + text  # Word centring by hand: a space before the number
        body = (
            f'<span style="font-family:宋体;mso-bidi-font-family:宋体;color:rgb(0,0,0);font-size:10.5pt;'
            f'mso-font-kerning:0.0000pt">{text or "&nbsp;"}</span>'
        )
        by_row.setdefault(r, []).append(
            f'<td width="{width:.1f}%"{_span_attributes(span)} valign="center" style="width:{width:.1f}%;'
            f"padding:0.0000pt 2.0000pt 0.0000pt 2.0000pt;\nborder:1.0000pt solid windowtext;"
            f'mso-border-alt:0.5000pt solid windowtext;"><p class="MsoNormal" align="{align}" '
            f'style="text-align:{align};line-height:14.0000pt;mso-line-height-rule:exactly;">{body}'
            f'<span style="font-size:10.5pt"><o:p></o:p></span></p></td>'
        )
    rows = []
    for r in range(len(spec.rows)):
        rows.append(
            f'<tr style="mso-yfti-irow:{r};height:20.0000pt;">' + "".join(by_row.get(r, [])) + "</tr>"
        )
    return (
        '<div align="center"><table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
        'width="100%" style="width:100.0%;border-collapse:collapse;border:none;\nmso-border-left-alt:0.5000pt '
        "solid windowtext;mso-border-top-alt:0.5000pt solid windowtext;mso-padding-alt:0.0000pt 2.0000pt "
        '0.0000pt 2.0000pt;"><tbody>\n' + "\n".join(rows) + "\n</tbody></table></div>"
    )


def portal_page(
    report: Report, pads: dict[str, float] | None = None, departments: int = SIDEBAR_DEPARTMENTS
) -> bytes:
    """The report as its site serves it: navigation first, the article in <div class="TRS_Editor">.
    ``pads`` (table -> points): an empty paragraph that high before the part heading above that
    table, as editors leave them; ``departments``: the sidebar's length. Both move tables down the
    printed page."""
    pads = pads or {}
    tables = report_tables(report)
    article = []
    for item, following in zip(report.body, (*report.body[1:], ("",))):
        if item[0] in tables:
            article.append(_mso_table(tables[item[0]], pad_numbers=item[0] != "t3"))
            continue
        if item[0] == "h" and pads.get(following[0]):
            article.append(
                f'<p class="MsoNormal" style="line-height:{pads[following[0]]:.1f}pt;'
                f'mso-line-height-rule:exactly;"><span style="font-size:16.0pt">&nbsp;</span></p>'
            )
        article.append(_mso_paragraph(item))
    article.append(_mso_signature(report))
    page = _PORTAL.format(
        title=_escape(report.title),
        site=report.site,
        column=report.column,
        issuer=report.issuer,
        published=report.published,
        top_menu=_top_menu(),
        sub_menus=_sub_menus(),
        unit_lists=_unit_lists(departments),
        related=_related(report),
        article="\n".join(article),
    )
    return page.encode("utf-8")


# ---- boxed narrative: per-line white boxes (Chromium), or single-cell bordered tables (.docx) ----

BOX_FONT_PT = 16.0
BOX_WIDTH_PT = 447.0  # A4 minus 26 mm side margins
_NO_LINE_START = set("，。、；：？！）》〉”’」』%")


def _glyph_widths() -> Callable[[str], float]:
    """Advance widths (in em) of WenQuanYi Micro Hei, the font Chromium prints the boxes in."""
    font = ImageFont.truetype(str(FONT_FILE), 200)
    cache: dict[str, float] = {}

    def width(ch: str) -> float:
        if ch not in cache:
            cache[ch] = font.getlength(ch) / 200
        return cache[ch]

    return width


_TOKEN = re.compile(r"[0-9A-Za-z@._%\-]+|.", re.S)


def wrap_lines(text: str, indent_em: float, width_em: float, width: Callable[[str], float]) -> list[str]:
    """Greedy line breaking as Word does it: one em of slack (the lines are justified into it),
    numbers and Latin words kept whole, no line starting with closing punctuation."""
    lines, line, used = [], "", indent_em
    for token in _TOKEN.findall(text):
        size = sum(width(ch) for ch in token)
        if line and used + size > width_em - 1 and token not in _NO_LINE_START:
            lines.append(line)
            line, used = "", 0.0
        line += token
        used += size
    if line:
        lines.append(line)
    return lines


_BOXED_CSS = """@page { size: A4; margin: 25mm 26mm 22mm 26mm;
  @bottom-center { content: "- " counter(page) " -"; font-family: "WenQuanYi Micro Hei"; font-size: 10.5pt; } }
body { margin: 0; font-family: "WenQuanYi Micro Hei"; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.title { margin: 0; text-align: center; font-size: 22pt; line-height: 36pt; }
.gap { height: 28pt; }
.ln { background: #fff; white-space: nowrap; font-size: 16pt; line-height: 28pt; height: 28pt;
      text-align: justify; text-align-last: justify; }
.ln.end { text-align-last: left; }
.ln.right { text-align: right; text-align-last: right; }
.ln b { font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt 0; }
td { border: 0.75pt solid #000; background: #fff; font-size: 10.5pt; line-height: 14pt; padding: 3pt 2pt;
     text-align: center; }
td.head { background: #dde5f0; }
"""


def boxed_lines_page(report: Report) -> tuple[str, list[str]]:
    """Every printed line of narrative in its own white box as wide as the text: the shape of a
    report exported from WPS with line shading. Returns the page and its narrative lines."""
    width = _glyph_widths()
    width_em = BOX_WIDTH_PT / BOX_FONT_PT
    tables = report_tables(report)
    out = [
        f'<p class="title">{_escape(report.issuer)}</p>',
        f'<p class="title">{report.year}年{STANDARD_TITLE}</p>',
        '<div class="gap"></div>',
    ]
    printed: list[str] = []
    for item in report.body:
        if item[0] in tables:
            out.append(_boxed_table(tables[item[0]]))
            continue
        text = "".join(item[1:])
        lead = item[1] if item[0] == "lead" else ""
        lines = wrap_lines(text, 2.0, width_em, width)
        for i, line in enumerate(lines):
            printed.append(line)
            classes = "ln end" if i == len(lines) - 1 else "ln"
            indent = ' style="padding-left:32pt"' if i == 0 else ""
            body = _escape(line)
            if item[0] == "h":
                body = f"<b>{body}</b>"
            elif i == 0 and lead:
                body = f"<b>{_escape(lead)}</b>{_escape(line[len(lead) :])}"
            out.append(f'<div class="{classes}"{indent}>{body}</div>')
    for text in report.signature:
        printed.append(text)
        out.append(f'<div class="ln right">{_escape(text)}</div>')
    page = (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{_escape(report.title)}</title><style>{_BOXED_CSS}</style></head><body>\n"
        + "\n".join(out)
        + "\n</body></html>\n"
    )
    return page, printed


def _boxed_table(spec: TableSpec) -> str:
    total = sum(spec.widths_cm)
    by_row: dict[int, list[str]] = {}
    for r, c, span in layout(spec.rows):
        width = sum(spec.widths_cm[c : c + span.cols]) / total * 100
        head = ' class="head"' if span.text.startswith("第二十条") else ""
        by_row.setdefault(r, []).append(
            f'<td{head}{_span_attributes(span)} style="width:{width:.1f}%">'
            f"{_escape(span.text) or '&nbsp;'}</td>"
        )
    return (
        "<table>\n" + "\n".join("<tr>" + "".join(by_row[r]) + "</tr>" for r in sorted(by_row)) + "\n</table>"
    )


def boxed_paragraphs_docx(report: Report) -> bytes:
    """Narrative paragraphs each inside a single-cell bordered table (with a thin spacer paragraph
    between boxes, or Word would join them), the statistical tables as real ruled tables."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    _page_number_footer(section.footer.paragraphs[0], dashes=True)
    for line in (report.issuer, f"{report.year}年{STANDARD_TITLE}"):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.bold, run.font.size = True, Pt(16)
    tables = report_tables(report)
    for item in report.body:
        if item[0] in tables:
            _docx_table(document, tables[item[0]])
            _spacer(document)
            continue
        box = document.add_table(rows=1, cols=1)
        box.style, box.alignment, box.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
        box.columns[0].width = box.cell(0, 0).width = Cm(PAGE_WIDTH_CM)
        paragraph = box.cell(0, 0).paragraphs[0]
        paragraph.paragraph_format.first_line_indent = Pt(24)
        if item[0] == "lead":
            paragraph.add_run(item[1]).bold = True
            paragraph.add_run(item[2])
        else:
            paragraph.add_run(item[1]).bold = item[0] == "h"
        _spacer(document)
    for text in report.signature:
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = BytesIO()
    document.save(out)
    return _stable_zip(out.getvalue())


def _spacer(document) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.add_run("").font.size = Pt(4)


# ---- printing, conversion and making the output reproducible -------------------------------


def chromium_pdf(page: Path) -> bytes:
    """``page`` printed to PDF by headless Chromium, network off (the site's CSS/JS/images are
    absent, as for a page saved and printed offline)."""
    exe = next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)
    if exe is None:
        raise SystemExit("Chromium is needed for the realistic fixtures (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="nianbao-chromium-") as tmp:
        out = Path(tmp) / "out.pdf"
        command = [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=180,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise SystemExit(f"Chromium timed out printing {page.name}") from None
        if not out.is_file() or out.stat().st_size == 0:
            raise SystemExit(f"Chromium did not print {page.name}")
        # relative links were resolved against the page's (random) folder: a fixed one of the same length
        folder = page.parent.as_posix().encode()
        return stable_pdf(
            out.read_bytes().replace(folder, b"/tmp/page".ljust(len(folder), b"_")[: len(folder)])
        )


_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\s*\(D:)([^)]*)(\))")
_XMP_DATE = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)([^<]*)(</xmp:)")
_PDF_ID = re.compile(rb"(/ID\s*\[\s*<)([0-9A-Fa-f]+)(>\s*<)([0-9A-Fa-f]+)(>\s*\])")
_PDF_CHECKSUM = re.compile(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)")
_FIXED_DATE = b"20250101000000"


def stable_pdf(data: bytes) -> bytes:
    """Creation/modification dates, the file ID and LibreOffice's DocChecksum overwritten in place
    with fixed values of the same length (so every xref offset stays right): re-running the script
    gives the same bytes."""

    def date(m: re.Match) -> bytes:
        digits = iter(_FIXED_DATE + b"0" * 64)
        value = bytes(next(digits) if 48 <= b <= 57 else b for b in m.group(2))
        return m.group(1) + value + m.group(3)

    data = _PDF_DATE.sub(date, data)
    data = _XMP_DATE.sub(date, data)
    data = _PDF_CHECKSUM.sub(lambda m: m.group(1) + b"0" * len(m.group(2)), data)
    return _PDF_ID.sub(
        lambda m: m.group(1) + b"0" * len(m.group(2)) + m.group(3) + b"0" * len(m.group(4)) + m.group(5), data
    )


def stable_docx(data: bytes) -> bytes:
    """LibreOffice's .docx with the creation/modification, comment and editing times fixed, and
    the member timestamps (as ``_stable_zip``)."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", content
                )
                content = re.sub(
                    rb"<cp:revision>[^<]*</cp:revision>", b"<cp:revision>1</cp:revision>", content
                )
            if member.filename == "word/comments.xml":  # LibreOffice keeps unknown <meta> tags as comments
                content = re.sub(rb'w:date="[^"]*"', b'w:date="2025-01-01T00:00:00Z"', content)
            if member.filename == "docProps/app.xml":
                content = re.sub(rb"<TotalTime>[^<]*</TotalTime>", b"<TotalTime>0</TotalTime>", content)
            info = zipfile.ZipInfo(member.filename, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def _page_texts(pdf: bytes) -> list[str]:
    with pdfplumber.open(BytesIO(pdf)) as document:
        return [re.sub(r"\s+", "", page.extract_text() or "") for page in document.pages]


def page_of(texts: list[str], needle: str) -> int:
    """1-based number of the only page whose text holds ``needle`` (whitespace removed)."""
    pages = [i for i, text in enumerate(texts, 1) if needle in text]
    if len(pages) != 1:
        raise SystemExit(f"staging check: 「{needle}」 found on pages {pages}, expected exactly one")
    return pages[0]


PRINT_MARGIN_PT = 12 / 25.4 * 72  # the page's print CSS: @page margin 12mm top and bottom


@dataclass(frozen=True)
class BreakPlace:
    """A place a page break may be staged: ``first`` starts the new page, ``before`` and ``keep``
    stay on the page before (needles: printed text with whitespace removed). With ``header``,
    ``before`` is a 表二 block title and the printed line right after it (its 信息内容 row) must
    stay with it, the line after that (``first``, the data row) open the new page."""

    table: str
    first: str
    before: str
    keep: tuple[str, ...]
    rows_after: tuple[str, ...]  # cells printed on the new page
    rows_before: tuple[str, ...]  # cells printed on the page before
    header: str = ""


def break_places(report: Report) -> dict[str, list[BreakPlace]]:
    """表二: between any block's 信息内容 header and its first data row. 表三: before any row of a
    group but its first, so that 「三、本年度办理结果」 and the group's label both began on the page
    before and continue on the new one."""

    def t2_cell(block: T2Block, key: str) -> str:
        column = block.headers[0][1]
        prefix = "t2" if column in S.T2_2021.get(block.key, {}).get(key, ()) else "t2_2019"
        return f"{prefix}.{block.key}.{key}.{column}"

    t2: list[BreakPlace] = []
    last_row: tuple[str, ...] = ()
    for block in report.t2:
        label, key, values = block.rows[0]
        t2.append(
            BreakPlace(
                "t2",
                label + "".join(values),
                f"第二十条第（{_BLOCK_NUMERAL[block.key]}）项",
                (),
                (t2_cell(block, key),),
                last_row,
                "信息内容" + block.headers[0][0],
            )
        )
        last_row = (t2_cell(block, block.rows[-1][1]),)
    groups = _t3_result_rows(report.template)
    granted = _needle(groups[0][1][0][1], 20)
    t3 = []
    for group, leaves in groups:
        if group is None:
            continue
        for (key_before, before), (key, text) in zip(leaves, leaves[1:]):
            before, text = report.t3_labels.get(key_before, before), report.t3_labels.get(key, text)
            t3.append(
                BreakPlace(
                    "t3",
                    _needle(text),
                    _needle(before),
                    (granted,),
                    (f"t3.{key}.total",),
                    (f"t3.{key_before}.total", "t3.granted.total"),
                )
            )
    return {"t2": t2, "t3": t3}


def _needle(label: str, length: int = 5) -> str:
    """The start of a printed label: enough to find it, short enough to sit on its first line."""
    return re.sub(r"\s+", "", label)[:length]


def _line_top(pdf: bytes, needle: str) -> tuple[float, float]:
    """Top of the printed line holding ``needle`` and its page's height."""
    with pdfplumber.open(BytesIO(pdf)) as document:
        for page in document.pages:
            for line in page.extract_text_lines():
                if needle in re.sub(r"\s+", "", line["text"]):
                    return line["top"], float(page.height)
    raise SystemExit(f"staging: 「{needle}」 not printed")


def _printed_lines(pdf: bytes) -> list[tuple[int, str]]:
    """(page, text without whitespace) of every printed line, in reading order."""
    with pdfplumber.open(BytesIO(pdf)) as document:
        return [
            (number, re.sub(r"\s+", "", line["text"]))
            for number, page in enumerate(document.pages, 1)
            for line in page.extract_text_lines()
        ]


def _staged(texts: list[str], place: BreakPlace, lines: list[tuple[int, str]]) -> bool:
    before = page_of(texts, place.before)
    if page_of(texts, place.first) != before + 1 or any(page_of(texts, k) != before for k in place.keep):
        return False
    if place.header:  # title, 信息内容 row, data row: three printed lines, the break after the second
        i = next(i for i, (_, text) in enumerate(lines) if place.before in text)
        (p1, header), (p2, data) = lines[i + 1], lines[i + 2]
        return place.header in header and p1 == before and place.first in data and p2 == before + 1
    return True


def _nav_line(pdf: bytes) -> float:
    """Height of one printed sidebar line (two neighbouring department links)."""
    return abs(_line_top(pdf, _DEPARTMENTS[1])[0] - _line_top(pdf, _DEPARTMENTS[0])[0]) or 18.0


def staged_print(report: Report, html_path: Path) -> tuple[bytes, bytes, list[dict]]:
    """Print the page with natural page breaks staged where they hurt a reader: inside 表二 between
    a block header and its data row, inside 表三 inside a group of 「三、本年度办理结果」. The table is
    moved down until the break falls at the candidate place needing the least shift: whole lines by
    a longer site sidebar (表二), the rest by a blank paragraph before the part heading, as editors
    leave them; measured, re-printed and checked. Returns the page, the PDF and, per break, the page
    of the cells on either side."""
    pads: dict[str, float] = {}
    departments = SIDEBAR_DEPARTMENTS
    chosen: list[tuple[BreakPlace, int]] = []
    places = break_places(report)
    nav_line = None
    for table in ("t2", "t3"):
        for _ in range(10):
            page = portal_page(report, pads, departments)
            html_path.write_bytes(page)
            pdf = chromium_pdf(html_path)
            texts, lines = _page_texts(pdf), _printed_lines(pdf)
            done = [p for p in places[table] if _staged(texts, p, lines)]
            if done:
                break
            nav_line = nav_line or _nav_line(pdf)
            shifts = []
            for place in places[table]:
                if page_of(texts, place.first) == page_of(texts, place.before):
                    top, height = _line_top(pdf, place.first)
                    # the row's first line just past the bottom margin: it no longer fits, the row before does
                    shifts.append(height - PRINT_MARGIN_PT - top - 3)
            shift = min((s for s in shifts if s > 0), default=12.0)
            lines = min(int(shift // nav_line), len(_DEPARTMENTS) - departments) if table == "t2" else 0
            if lines:
                departments += lines
            else:
                pads[table] = round(pads.get(table, 0.0) + shift, 1)
        else:
            raise SystemExit(f"staging: could not move a {table} page break into place")
        chosen.append((done[0], page_of(texts, done[0].before)))
    out = []
    for place, before in chosen:
        if not _staged(texts, place, lines):
            raise SystemExit(f"staging: the {place.table} break moved when the next one was staged")
        out.append(
            {
                "table": place.table,
                "first_on_new_page": place.first,
                "last_on_page_before": place.before,
                "pages": {
                    **dict.fromkeys(place.rows_before, before),
                    **dict.fromkeys(place.rows_after, before + 1),
                },
            }
        )
    return page, pdf, out


def _checked_pdf(data: bytes, name: str, expected: str) -> bytes:
    texts = _page_texts(data)
    if not any(expected in t for t in texts):
        raise SystemExit(f"{name}: PDF text lacks 「{expected}」 (is {FONT} installed?)")
    return data


# ---- expected.json ------------------------------------------------------------------------

MUST_NOT_COMMON = (
    "t3-balance-mismatch",
    "t3-row-total-mismatch",
    "t3-results-total-mismatch",
    "t4-group-total-mismatch",
    "invalid-number",
    "table-missing",
    "missing-part",
    "part-order",
    "part-heading-nonstandard",
    "title-nonstandard",
    "statistics-period-missing",
    "statistics-period-wrong",
    "blank-or-placeholder-cells",
    "legacy-structure",
    "template-hybrid-row",
    "outdated-template",
    "report-date-missing",
    "report-date-invalid",
    "report-published-late",
    "personal-info-exposed",
    "contact-info-malformed",
    "narrative-table-mismatch",
    "tables-all-zero",
    "fee-row-conflict",
    "truncated-sentence",
)
MUST_NOT_2021 = MUST_NOT_COMMON + (
    "fee-statement-missing",
    "fee-statement-vague",
    "section6-items-missing",
    "section6-item-empty",
    "assessment-results-missing",
    "overview-aspect-missing",
    "section5-weak",
)
MUST_NOT_2019 = MUST_NOT_COMMON + ("fee-statement-missing", "overview-aspect-missing")


def expectation(report: Report, fmt: str, made_by: str, modes: list[str], notes: str, **extra) -> dict:
    typo = report.t3_labels.get(TYPO_ROW)
    entry = {
        "format": fmt,
        "made_by": made_by,
        "report": {
            "title": report.title,
            "issuer": report.issuer,
            "year": report.year,
            "template": report.template,
            "period": [f"{report.year}-01-01", f"{report.year}-12-31"],
            "signed_on": "{}-{:02d}-{:02d}".format(*map(int, re.findall(r"\d+", report.signature[1]))),
        },
        "modes": modes,
        "must": ["vague-time-reference"] if any("截至目前" in "".join(item) for item in report.body) else [],
        "must_not": list(MUST_NOT_2021 if report.template == "2021" else MUST_NOT_2019),
        "should": ["typo"] if typo else [],
        "notes": notes,
        "cells": expected_cells(report),
    }
    if typo:
        entry["typo_row"] = {
            "key": TYPO_ROW,
            "printed": typo,
            "standard": "2.其他法律行政法规禁止公开",
            "tolerated": ["nonstandard-table-rows"],
        }
    entry.update(extra)
    return entry


_NOTE_TYPO = (
    "表三 row 「2.其他法律行政法规禁止公开」 is printed 「" + TYPO_LABEL + "」 (no keyword of the label "
    "matches): the row belongs in its place by the fixed row order; `typo` is what a careful reviewer "
    "reports (soft), `nonstandard-table-rows` for it is tolerated."
)


def realistic() -> None:
    """Write tests/fixtures/realistic/ and its expected.json."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # Chromium's fonts have no FontBBox: harmless
    REALISTIC.mkdir(parents=True, exist_ok=True)
    expected: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="nianbao-realistic-") as tmp_name:
        tmp = Path(tmp_name)

        # 1-3: the township's report as a saved web page, printed by Chromium, converted by LibreOffice
        report = TOWNSHIP_2024
        html_name = f"{report.stem}.html"
        page, chromium, breaks = staged_print(report, tmp / html_name)
        write(REALISTIC / html_name, page)
        expected[html_name] = expectation(
            report,
            "html",
            "scripts/make_fixtures.py (saved CMS page, Word-export markup)",
            ["cells", "no-false-finding", "typo-row", "site-chrome"],
            "Saved government web page: 6-8 KB of site navigation (top menu, sub-menus, sidebar, breadcrumb "
            "当前位置, 发布时间/来源/字号 line) before the article; the title only in <title> and "
            '<div class="article_title">; the report inside <div class="TRS_Editor"> as Word exports it '
            '(<p class="MsoNormal">, <o:p></o:p>, digits in their own spans, &nbsp; cells, inline styles); '
            "related-report links and the site footer after the signature. " + _NOTE_TYPO,
        )
        write(REALISTIC / f"{report.stem}.chromium.pdf", _checked_pdf(chromium, "chromium", "一、总体情况"))
        expected[f"{report.stem}.chromium.pdf"] = expectation(
            report,
            "pdf",
            "headless Chromium --print-to-pdf of " + html_name + " (A4 from the page's print CSS)",
            ["cells", "no-false-finding", "typo-row", "site-chrome", "page-breaks"],
            "The saved page printed offline: the unstyled navigation fills the first page(s), then the article, "
            "then related links and the footer. Natural page breaks, staged by the sidebar's length (and a blank "
            "paragraph before a part heading where needed; measured, re-printed and checked when the file is "
            "made, see page_breaks): inside 表二 between a block's 信息内容 header row and its data row; inside "
            "表三 within a group, so 「三、本年度办理结果」 (a rowspan over every result row) and the group's label "
            "began on the page before and continue on the next. Chromium may also split the tall row before "
            "the break, its label continuing on the new page. Borders are thin filled rectangles, not stroked "
            "lines. " + _NOTE_TYPO,
            page_breaks=breaks,
        )
        for target, suffix, fmt in (("pdf", "lo.pdf", "pdf"), ("docx:MS Word 2007 XML", "lo.docx", "docx")):
            [converted] = libreoffice([tmp / html_name], target, tmp / suffix.replace(".", "_"))
            data = converted.read_bytes()
            data = (
                _checked_pdf(stable_pdf(data), suffix, "一、总体情况") if fmt == "pdf" else stable_docx(data)
            )
            write(REALISTIC / f"{report.stem}.{suffix}", data)
            expected[f"{report.stem}.{suffix}"] = expectation(
                report,
                fmt,
                f"LibreOffice soffice --headless --convert-to {target} of {html_name}",
                ["cells", "no-false-finding", "typo-row", "site-chrome"],
                "The saved page opened by LibreOffice Writer/Web and written as "
                + fmt.upper()
                + ": the site "
                "navigation becomes paragraphs and lists before the title, the tables keep their merged cells. "
                + _NOTE_TYPO,
            )

        # 4: boxed narrative — per-line white boxes (Chromium) and single-cell bordered boxes (LibreOffice)
        boxed, lines = boxed_lines_page(report)
        # the period sentence must wrap: 「…统计期限」 in one box, its dates in the next
        start = next((i for i, line in enumerate(lines) if "统计期限" in line), None)
        if start is None or "12月31日" in lines[start] or "12月31日" not in lines[start + 1]:
            raise SystemExit("boxed lines: the statistics-period sentence should wrap over two boxed lines")
        (tmp / "boxed_lines.html").write_text(boxed, encoding="utf-8")
        name = f"boxed_lines_{report.year}.pdf"
        write(REALISTIC / name, _checked_pdf(chromium_pdf(tmp / "boxed_lines.html"), name, "统计期限"))
        expected[name] = expectation(
            report,
            "pdf",
            "headless Chromium, page built for it: one white box per printed line",
            ["cells", "no-false-finding", "typo-row", "boxed-narrative"],
            "Every printed line of narrative (headings, paragraphs, signature) sits in its own white-filled, "
            "unstroked rectangle as wide as the text block, the boxes touching; lines are justified, paragraphs "
            'wrap over several boxes (the statistics-period sentence is split over two), page numbers "- N -" '
            "at the foot. The tables are real ruled tables with white-filled cells and tinted block headers. "
            + _NOTE_TYPO,
        )
        docx_name = f"boxed_paras_{report.year}.docx"
        write(REALISTIC / docx_name, boxed_paragraphs_docx(report))
        expected[docx_name] = expectation(
            report,
            "docx",
            "python-docx (this script)",
            ["cells", "no-false-finding", "typo-row", "boxed-narrative"],
            "Every narrative paragraph and heading is a one-cell bordered table (a thin spacer paragraph between "
            "boxes); title and signature are plain paragraphs; the statistical tables are real merged-cell "
            "tables. " + _NOTE_TYPO,
        )
        [pdf] = libreoffice([REALISTIC / docx_name], "pdf", tmp / "boxed")
        name = f"boxed_paras_{report.year}.pdf"
        write(REALISTIC / name, _checked_pdf(stable_pdf(pdf.read_bytes()), name, "统计期限"))
        expected[name] = expectation(
            report,
            "pdf",
            f"LibreOffice --convert-to pdf of {docx_name}",
            ["cells", "no-false-finding", "typo-row", "boxed-narrative"],
            "The boxed-paragraph .docx printed by LibreOffice: each paragraph is a ruled single-cell table in the "
            "PDF (visible border lines), beside the real ruled statistical tables. " + _NOTE_TYPO,
        )

        # 5: the 2019 trial format, with negative 本年增/减
        report = BUREAU_2020
        html_name = f"{report.stem}.html"
        page = portal_page(report)
        write(REALISTIC / html_name, page)
        (tmp / html_name).write_bytes(page)
        note_2019 = (
            "A 2020 report in the 2019 trial format (国办公开办函〔2019〕60号): 表二 with 本年新制作数量/本年新公开"
            "数量/对外公开总数量 and 上一年项目数量/本年增/减/处理决定数量 columns, 第二十条第（九）项 政府集中采购, "
            "本年增/减 values -3, -1 and -2 (items abolished: legitimate, not invalid-number); 表三 with "
            "（六）其他处理 as one row across both label columns (t3_groups.other_handling). Template 2019 "
            "is right for a 2020 report: no outdated-template, no fee-statement rules."
        )
        expected[html_name] = expectation(
            report,
            "html",
            "scripts/make_fixtures.py (saved CMS page, Word-export markup)",
            ["cells", "no-false-finding", "negative-change", "site-chrome"],
            note_2019,
        )
        name = f"{report.stem}.chromium.pdf"
        write(REALISTIC / name, _checked_pdf(chromium_pdf(tmp / html_name), name, "一、总体情况"))
        expected[name] = expectation(
            report,
            "pdf",
            "headless Chromium --print-to-pdf of " + html_name,
            ["cells", "no-false-finding", "negative-change", "site-chrome"],
            note_2019 + " Printed offline.",
        )

    manifest = json.dumps(expected, ensure_ascii=False, indent=1) + "\n"
    write(REALISTIC / "expected.json", manifest.encode("utf-8"))


def main(argv: list[str]) -> None:
    """All fixtures; ``realistic`` as the only argument writes just tests/fixtures/realistic/."""
    if argv not in ([], ["realistic"]):
        raise SystemExit("usage: make_fixtures.py [realistic]")
    if argv == ["realistic"]:
        realistic()
        return
    seeds = [read_seed(path) for path in sorted(SEEDS.glob("*.txt"))]
    for seed in seeds:
        write(GENERATED / f"{seed.stem}.docx", render_docx(seed))
        write(GENERATED / f"{seed.stem}.html", render_html(seed))
    for pdf in libreoffice([GENERATED / f"{seed.stem}.docx" for seed in seeds], "pdf"):
        check_pdf_text(pdf, "一、总体情况")
        print(f"wrote {pdf.relative_to(ROOT)} ({pdf.stat().st_size:,} bytes, LibreOffice)")
    [doc] = libreoffice([GENERATED / "001.docx"], "doc")
    print(f"wrote {doc.relative_to(ROOT)} ({doc.stat().st_size:,} bytes, LibreOffice)")
    write(GENERATED / "001.wps", doc.read_bytes())  # WPS Office saves Word binaries too
    write(GENERATED / "001-large.pdf", large_print_pdf(GENERATED / "001.docx"))
    docx_000, pdf_000 = (GENERATED / "000.docx").read_bytes(), (GENERATED / "000.pdf").read_bytes()
    write(BAD / "corrupt.docx", docx_000[: len(docx_000) // 2])
    write(BAD / "truncated.pdf", pdf_000[: len(pdf_000) * 2 // 5])
    write(BAD / "image_only.pdf", image_only_pdf())
    write(BAD / "encrypted.pdf", encrypted_pdf(GENERATED / "002.docx"))
    write(BAD / "empty.txt", b"")
    write(BAD / "meeting_notice.txt", MEETING_NOTICE.encode("utf-8"))
    realistic()


if __name__ == "__main__":
    main(sys.argv[1:])
