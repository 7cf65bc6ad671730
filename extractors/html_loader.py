"""HTML pages, typically a government CMS article: the report's container without the site chrome.

The container is the innermost element holding the most part headings (一、总体情况 … 六、其他需要
报告的事项); navigation, breadcrumbs, share bars and footers inside it are dropped. Tables get their
rowspan/colspan expanded the way the .docx loader reports merged cells.
"""

from __future__ import annotations

import codecs
import datetime
import re
from collections.abc import Callable
from typing import NamedTuple

from bs4 import BeautifulSoup, NavigableString, Tag

from .document import Document, DocumentBuilder
from .errors import LoadError
from .metadata import title_rank
from .normalize import fold
from .text_loader import decode

# never report text, wherever they are
_JUNK_TAGS = ["script", "style", "noscript", "template", "iframe", "object", "svg", "select", "button", "input",
              "textarea"]
# site chrome, unless it wraps the report itself
_CHROME_TAGS = {"nav", "header", "footer", "aside", "form"}
_CHROME_CONTAINERS = {"div", "ul", "ol", "dl", "section", "p", "span"}
_CHROME_NAME = re.compile(r"nav|menu|header|footer|breadcrumb|sidebar|share|copyright|link|banner|search", re.I)

_BLOCKS = {"address", "article", "blockquote", "body", "caption", "center", "dd", "div", "dl", "dt", "fieldset",
           "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "html", "li", "main", "ol", "p", "pre",
           "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"} | _CHROME_TAGS

# A short text node naming a part: one key per part, so a page's candidates can be compared.
_PART_KEYS = re.compile(r"(总体情况)|(主动公开政府信息)|(收到和处理政府信息公开申请)|(行政复议)|(存在的?主要问题|存在问题)"
                        r"|(需要报告的事项)")
_HEADING_MAX_CHARS = 30  # longer text mentioning a part name is narrative (e.g. an intro listing all six)

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_GB_NAMES = {"gbk", "gb2312", "gb_2312-80", "gb18030", "x-gbk", "cp936", "euc-cn"}
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_DATE_METAS = {"pubdate", "publishdate", "firstpublishedtime", "article:published_time"}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_TITLE_METAS = {"articletitle", "og:title", "title"}
_TITLE_CLASS = re.compile(r"title", re.I)
_SITE_SEPARATOR = re.compile(r"[_|｜]| [-—–] ")  # 「报告名_站点名」「报告名 - 站点名」

# a source line break between two CJK characters is not a space
_CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r\f]*\n[ \t\r\n\f]*(?=[\u3000-\u9fff\uff00-\uffef])")
_WHITESPACE = re.compile(r"[ \t\r\n\f]+")  # not NBSP: &nbsp; is meant to stay
# A report table is at most ~30 wide and ~40 long: spans beyond these are corrupt or hostile
# (a few KB of nested rowspan/colspan would otherwise expand into millions of cells).
_MAX_COLSPAN = 64
_MAX_GRID_CELLS = 20_000


def load_html(data: bytes) -> Document:
    soup = BeautifulSoup(_decode(data), "lxml")
    for junk in soup.find_all(_JUNK_TAGS):
        junk.decompose()
    builder = DocumentBuilder("html")
    try:
        headed = _heading_ancestors(soup)
        root = _content_root(headed) or soup.body or soup
        title = _page_title(soup)
        _drop_chrome(root, headed)
        if title and not fold(root.get_text()).startswith(fold(title)):
            builder.paragraph(title)  # CMS templates often put the title above the article body
        _Flow(builder.paragraph, lambda table: builder.table(_grid(table))).run(root)
    except RecursionError:
        raise LoadError("HTML 嵌套层级过深，无法解析") from None
    return builder.build(published_on=_published_on(soup))


def _decode(data: bytes) -> str:
    """BOM, else the declared charset (GBK and GB2312 read as their superset GB18030), else UTF-8/GB18030."""
    declared = None if data.startswith(_BOMS) else _declared_charset(data[:4096])
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # old CMS pages often declare the wrong charset
    return decode(data)


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    if name in _GB_NAMES:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


class _Holder(NamedTuple):
    element: Tag
    parts: set[int]  # the parts whose heading it contains
    depth: int


def _heading_ancestors(soup: BeautifulSoup) -> dict[int, _Holder]:
    """Every element holding a part heading, by id()."""
    found: dict[int, _Holder] = {}
    for node in soup.find_all(string=_PART_KEYS):
        if type(node) is not NavigableString or len(node.strip()) > _HEADING_MAX_CHARS or node.find_parent("a"):
            continue  # comments and the like, narrative, or a link (a table of contents is navigation)
        part = _PART_KEYS.search(node).lastindex
        ancestors = [parent for parent in node.parents if parent is not soup]
        for depth, element in enumerate(reversed(ancestors)):
            found.setdefault(id(element), _Holder(element, set(), depth)).parts.add(part)
    return found


def _content_root(headed: dict[int, _Holder]) -> Tag | None:
    """The innermost element holding the most distinct part headings."""
    if not headed:
        return None
    return max(headed.values(), key=lambda holder: (len(holder.parts), holder.depth)).element


def _page_title(soup: BeautifulSoup) -> str | None:
    """The report's title as the page gives it: meta tags, the article heading, or <title> without the
    site name; the best ranked, in that order on ties."""
    texts = [meta.get("content") or "" for meta in soup.find_all("meta")
             if (meta.get("name") or meta.get("property") or "").strip().lower() in _TITLE_METAS]
    texts += [heading.get_text() for heading in soup.find_all(["h1", "h2", "h3"])]
    texts += [element.get_text() for element in soup.find_all(["div", "p"], class_=_TITLE_CLASS)]
    texts += [soup.title.get_text()] if soup.title else []
    candidates = [_collapse(part) for text in texts for part in _SITE_SEPARATOR.split(text)]
    ranked = [(rank, -order, text) for order, text in enumerate(candidates) if (rank := title_rank(text))]
    return max(ranked)[2] if ranked else None


def _drop_chrome(root: Tag, headed: dict[int, _Holder]) -> None:
    for element in root.find_all(True):
        if element.decomposed or id(element) in headed:
            continue  # gone with its parent, or it holds part of the report
        if element.name in _CHROME_TAGS or (element.name in _CHROME_CONTAINERS and _chrome_name(element)):
            if element.find("table") is None:  # a data table is never chrome inside the article
                element.decompose()


def _chrome_name(element: Tag) -> bool:
    names = [element.get("id") or "", *(element.get("class") or [])]
    return any(_CHROME_NAME.search(name) for name in names)


def _published_on(soup: BeautifulSoup) -> str | None:
    for meta in soup.find_all("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        if key in _DATE_METAS and (match := _DATE.search(meta.get("content") or "")):
            try:
                return datetime.date(*map(int, match.groups())).isoformat()
            except ValueError:
                continue
    return None


class _Flow:
    """Turns markup into lines: block elements and <br> end a line; data tables go to ``on_table``."""

    def __init__(self, on_line: Callable[[str], None], on_table: Callable[[Tag], None] | None = None):
        self.on_line, self.on_table = on_line, on_table
        self.parts: list[str] = []

    def run(self, element: Tag) -> None:
        self.walk(element)
        self.end_line()

    def walk(self, element: Tag) -> None:
        for child in element.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    self.parts.append(child)
            elif child.name == "br":
                self.end_line()
            elif child.name == "table" and self.on_table and child.find("table") is None:
                self.end_line()
                self.on_table(child)
            elif child.name in _BLOCKS:  # including layout tables (tables holding tables)
                self.end_line()
                self.walk(child)
                self.end_line()
            else:
                self.walk(child)

    def end_line(self) -> None:
        text = _collapse("".join(self.parts))
        self.parts = []
        if text:
            self.on_line(text)


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", _CJK_BREAK.sub("", text)).strip()


def _grid(table: Tag) -> list[list[str | None]]:
    """Spans expanded: a cell's text once, "" below it for a rowspan, None beside it for a colspan."""
    rows = table.find_all("tr")  # a data table holds no nested table, so every <tr> is its own
    placed: list[dict[int, str | None]] = [{} for _ in rows]
    covered = 0
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while c in placed[r]:
                c += 1
            rowspan = _span(cell.get("rowspan"), len(rows) - r) or len(rows) - r  # rowspan=0: to the end
            colspan = _span(cell.get("colspan"), _MAX_COLSPAN) or 1
            text = _cell_text(cell)
            covered += rowspan * colspan
            if covered > _MAX_GRID_CELLS:
                raise LoadError(f"网页中的表格过大（展开后超过 {_MAX_GRID_CELLS} 个单元格），不像年度报告")
            for i in range(rowspan):
                for j in range(colspan):
                    placed[r + i][c + j] = text if i == j == 0 else ("" if j == 0 else None)
            c += colspan
    return [[row.get(c, "") for c in range(max(row) + 1)] if row else [] for row in placed]


def _span(value, limit: int) -> int:
    try:
        return max(0, min(int(str(value).strip()), limit))
    except ValueError:
        return 1


def _cell_text(cell: Tag) -> str:
    lines: list[str] = []
    _Flow(lines.append).run(cell)
    return "\n".join(lines)
