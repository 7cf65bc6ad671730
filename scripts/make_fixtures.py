#!/usr/bin/env python3
"""Generate the loader fixtures from the seed reports (tests/fixtures/seeds/*.txt).

For each seed NNN: ``generated/NNN.docx`` (narrative + the three tables in the official 2021 layout
with real merged cells), ``NNN.pdf`` (that .docx printed by LibreOffice) and ``NNN.html`` (a
government-CMS page around the report); ``generated/001.doc`` / ``001.wps`` (legacy Word) and the
negative fixtures under ``bad/``. Needs LibreOffice (soffice) and fonts-wqy-microhei.
Re-running rewrites every file; the .docx and .html output is byte-identical between runs.
"""

from __future__ import annotations

import html
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
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

from extractors.errors import LoadError  # noqa: E402
from extractors.legacy_loader import convert  # noqa: E402

SEEDS = ROOT / "tests/fixtures/seeds"
GENERATED = ROOT / "tests/fixtures/generated"
BAD = ROOT / "tests/fixtures/bad"

FONT = "WenQuanYi Micro Hei"  # the CJK font installed with LibreOffice; without it the PDF text is garbage
FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
PAGE_WIDTH_CM = 16.0  # A4 minus 2.5 cm margins
ENCRYPTED_PDF_FILTER = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
                        '"DocumentOpenPassword":{"type":"string","value":"nianbao"}}')

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
    ("（三）不予公开", ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
                    "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
                    "7.属于行政执法案卷", "8.属于行政查询事项")),
    ("（四）无法提供", ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")),
    ("（五）不予处理", ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                    "5.要求行政机关确认或重新出具已获取信息")),
    ("（六）其他处理", ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")),
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
    numbers = [[Span(v) for v in values[i:i + 7]] for i in range(0, len(values), 7)]
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
    return TableSpec([
        [Span("行政复议", cols=5), Span("行政诉讼", cols=10)],
        [Span(label, rows=2) for label in T4_RESULTS] + [Span("未经复议直接起诉", cols=5), Span("复议后起诉", cols=5)],
        [Span(label) for label in T4_RESULTS * 2],
        [Span(v) for v in values],
    ], [PAGE_WIDTH_CM / 15] * 15)


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
    values = {part: [v for v in map(_clean, lines) if _NUMBER.fullmatch(v)] for part, lines in regions.items()}
    with_2019_row = any(T2_2019_ROW in line for line in regions.get("t2", []))
    _check_counts(path, values, with_2019_row)
    tables = {"t2": t2_table(values["t2"], with_2019_row),
              "t3": t3_table(values["t3"], corner_rows=3 if int(path.name[:3]) % 2 == 0 else 2),
              "t4": t4_table(values["t4"])}
    items = [tables.get(item, item) if isinstance(item, str) else item for item in items]
    title_lines = next(i for i, item in enumerate(items) if not _is_title_line(item))
    return Seed(path.name[:3], items, values, title_lines)


def simple_table(cells: list[str]) -> TableSpec:
    """A small table in the narrative (seed 001's staff list): the first row's cell count is the width."""
    width = cells.index("") if "" in cells else len(cells)
    texts = [c for c in cells if c]
    rows = [[Span(t) for t in texts[i:i + width]] for i in range(0, len(texts), width)]
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
    for row in table.rows:  # a page break may fall between rows, never inside one (as Word's "不允许跨页断行")
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for r, c, span in layout(spec.rows):
        cell = table.cell(r, c)
        if span.rows > 1 or span.cols > 1:
            cell = cell.merge(table.cell(r + span.rows - 1, c + span.cols - 1))
        cell.width = Cm(sum(spec.widths_cm[c:c + span.cols]))
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
    title_lines = seed.items[:seed.title_lines]
    # the title is one centred paragraph broken with <br>, as CMS editors paste it
    article = [f'<p style="text-align:center;text-indent:0"><strong>{"<br>".join(map(_escape, title_lines))}</strong></p>']
    for item in seed.items[seed.title_lines:]:
        if isinstance(item, TableSpec):
            article.append(_html_table(item))
        elif _is_heading(item):
            article.append(f"<p><strong>{_escape(item)}</strong></p>")
        else:
            article.append(f"<p>{_escape(item)}</p>")
    page = _PAGE.format(charset=site.charset, title=_escape("".join(title_lines)), issuer=site.issuer,
                        date_meta=_DATE_META[site.date_meta].format(d=site.published),
                        published=site.published, article="\n".join(article))
    return page.encode(site.charset, errors="xmlcharrefreplace")  # GBK has no NBSP: it becomes &#160;


def _html_table(spec: TableSpec) -> str:
    rows = []
    for row in spec.rows:
        cells = "".join(f'<td{_span_attributes(span)}><p style="text-align:center;text-indent:0">'
                        f'<span>{_escape(span.text) or "&nbsp;"}</span></p></td>' for span in row)
        rows.append(f"<tr>{cells}</tr>")
    return ('<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>\n'
            + "\n".join(rows) + "\n</tbody></table>")


def _span_attributes(span: Span) -> str:
    return (f' rowspan="{span.rows}"' if span.rows > 1 else "") + (f' colspan="{span.cols}"' if span.cols > 1 else "")


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


def main() -> None:
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


if __name__ == "__main__":
    main()
