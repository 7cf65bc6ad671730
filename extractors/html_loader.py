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
from collections.abc import Set as AbstractSet
from itertools import chain, islice
from typing import NamedTuple, cast

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag

from .document import Document, DocumentBuilder
from .errors import LimitError
from .metadata import title_rank
from .normalize import fold
from .text_loader import decode

# never report text, wherever they are
_JUNK_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "svg",
    "select",
    "button",
    "input",
    "textarea",
}
# site chrome, unless it wraps the report itself
_CHROME_TAGS = {"nav", "header", "footer", "aside", "form"}
_CHROME_CONTAINERS = {"div", "ul", "ol", "dl", "section", "p", "span"}
_CHROME_NAME = re.compile(
    r"nav|menu|header|footer|breadcrumb|sidebar|share|copyright|link|banner|search", re.I
)

_BLOCKS = {
    "address",
    "article",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "html",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
} | _CHROME_TAGS

# A short text node naming a part: one key per part, so a page's candidates can be compared.
_PART_KEYS = re.compile(
    r"(总体情况)|(主动公开政府信息)|(收到和处理政府信息公开申请)|(行政复议)|(存在的?主要问题|存在问题)"
    r"|(需要报告的事项)"
)
_HEADING_MAX_CHARS = 30  # longer text mentioning a part name is narrative (e.g. an intro listing all six)

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_GB_NAMES = {"gbk", "gb2312", "gb_2312-80", "gb18030", "x-gbk", "cp936", "euc-cn"}
# The charsets browsers know (WHATWG Encoding Standard), by Python's codec names. Python has other
# codecs a page may name: rot13, base64, zlib and hex are no text encodings, punycode decodes in
# quadratic time; those declarations are ignored like unknown ones.
_WEB_CHARSETS = re.compile(
    r"utf-8|utf-16(-[lb]e)?|gb18030|gbk|gb2312|big5(hkscs)?|euc_jp|shift_jis|iso2022_jp"
    r"|euc_kr|cp\d+|iso8859-\d+|koi8-[ru]|mac-roman|ascii"
)
_DATE_METAS = {"pubdate", "publishdate", "firstpublishedtime", "article:published_time"}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_TITLE_METAS = {"articletitle", "og:title", "title"}
_TITLE_CLASS = re.compile(r"title", re.I)
_SITE_SEPARATOR = re.compile(r"[_|｜]| [-—–] ")  # 「报告名_站点名」「报告名 - 站点名」

# a source line break between two CJK characters is not a space
_CJK_BREAK = re.compile(
    r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r\f]*\n[ \t\r\n\f]*(?=[\u3000-\u9fff\uff00-\uffef])"
)
_WHITESPACE = re.compile(r"[ \t\r\n\f]+")  # not NBSP: &nbsp; is meant to stay
# A report table is at most ~30 wide and ~40 long: spans beyond these are corrupt or hostile
# (a few KB of nested rowspan/colspan would otherwise expand into millions of cells).
_MAX_COLSPAN = 64
MAX_TABLE_CELLS = 20_000
# Report pages have 1,000–2,200 start tags nested ~25 deep. BeautifulSoup spends ~1 KB on each
# element, so tags are counted in the bytes before it parses (「<」 and a letter: an upper bound, a
# script's ``a<b`` counts too); the line walk recurses once a level.
MAX_TAGS = 50_000
MAX_DEPTH = 256
_START_TAG = re.compile(rb"<[A-Za-z]")


def load_html(data: bytes) -> Document:
    if next(islice(_START_TAG.finditer(data), MAX_TAGS, None), None):  # there is a tag past MAX_TAGS
        raise LimitError(f"网页的标签超过 {MAX_TAGS} 个")
    soup = BeautifulSoup(decode(data, _declared_charset(data[:4096])), "lxml")
    headed = _outline(soup)
    root = _content_root(headed) or soup.body or soup
    title = _page_title(soup)
    holds_table = _holding_tables(soup)
    _drop_chrome(root, headed, holds_table)
    builder = DocumentBuilder("html")
    if title and not fold(root.get_text()).startswith(fold(title)):
        builder.paragraph(title)  # CMS templates often put the title above the article body
    _Flow(builder.paragraph, lambda table: builder.table(_grid(table)), holds_table).run(root)
    return builder.build(published_on=_published_on(soup))


def _declared_charset(head: bytes) -> str | None:
    """The <meta> charset when it is a web charset, GBK and GB2312 read as their superset GB18030."""
    match = _META_CHARSET.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    if name in _GB_NAMES:
        return "gb18030"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return codec if _WEB_CHARSETS.fullmatch(codec) else None


class _Holder(NamedTuple):
    element: Tag
    parts: set[int]  # the parts whose heading it contains
    depth: int


def _outline(soup: BeautifulSoup) -> dict[int, _Holder]:
    """Every element holding a part heading, by id(), from one walk of the page in document order
    that also drops the junk; LimitError past MAX_DEPTH levels."""
    found: dict[int, _Holder] = {}
    junk: list[Tag] = []
    stack: list[tuple[PageElement, int, bool]] = [(soup, 0, False)]  # node, depth, inside a link
    while stack:
        node, depth, in_link = stack.pop()
        if isinstance(node, Tag):
            if node.name in _JUNK_TAGS:
                junk.append(node)
                continue
            if depth > MAX_DEPTH:
                raise LimitError(f"网页的元素嵌套超过 {MAX_DEPTH} 层")
            in_link = in_link or node.name == "a"
            stack.extend((child, depth + 1, in_link) for child in reversed(node.contents))
        elif (
            not in_link
            and type(node) is NavigableString
            and len(node.strip()) <= _HEADING_MAX_CHARS
            and (match := _PART_KEYS.search(node))
            and node.parent is not None  # always: it was reached as a child
            and match.lastindex is not None  # always: every alternative of _PART_KEYS is a group
        ):
            # not comments and the like, narrative, or a link (a table of contents is navigation)
            _mark(found, node.parent, depth - 1, match.lastindex)
    for element in junk:
        element.decompose()
    return found


def _mark(found: dict[int, _Holder], element: Tag, depth: int, part: int) -> None:
    """``element`` and its ancestors below the soup hold ``part``. The walk up stops at the first one
    known to hold it already: its ancestors were marked then, so marking is linear at any depth."""
    for level, holding in zip(range(depth, 0, -1), chain([element], element.parents)):
        holder = found.setdefault(id(holding), _Holder(holding, set(), level))
        if part in holder.parts:
            return
        holder.parts.add(part)


def _content_root(headed: dict[int, _Holder]) -> Tag | None:
    """The innermost element holding the most distinct part headings."""
    if not headed:
        return None
    return max(headed.values(), key=lambda holder: (len(holder.parts), holder.depth)).element


def _page_title(soup: BeautifulSoup) -> str | None:
    """The report's title as the page gives it: meta tags, the article heading, or <title> without the
    site name; the best ranked, in that order on ties."""
    texts = [
        _attr(meta, "content")
        for meta in soup.find_all("meta")
        if (_attr(meta, "name") or _attr(meta, "property")).strip().lower() in _TITLE_METAS
    ]
    texts += [heading.get_text() for heading in soup.find_all(["h1", "h2", "h3"])]
    texts += [element.get_text() for element in soup.find_all(["div", "p"], class_=_TITLE_CLASS)]
    texts += [soup.title.get_text()] if soup.title else []
    candidates = [_collapse(part) for text in texts for part in _SITE_SEPARATOR.split(text)]
    ranked = [(rank, -order, text) for order, text in enumerate(candidates) if (rank := title_rank(text))]
    return max(ranked)[2] if ranked else None


def _holding_tables(soup: BeautifulSoup) -> set[int]:
    """id() of every element with a <table> inside it, each marked once (linear at any depth)."""
    marked: set[int] = set()
    for table in soup.find_all("table"):
        for parent in table.parents:
            if id(parent) in marked:
                break
            marked.add(id(parent))
    return marked


def _drop_chrome(root: Tag, headed: dict[int, _Holder], holds_table: set[int]) -> None:
    """Site chrome inside the report's container, collected in one walk that does not enter what it
    drops, then dropped. An element holding part of the report or a data table is never chrome."""
    chrome: list[Tag] = []
    stack = [root]
    while stack:
        for child in stack.pop().contents:
            if not isinstance(child, Tag):
                continue
            if id(child) not in headed and id(child) not in holds_table and _is_chrome(child):
                chrome.append(child)
            else:
                stack.append(child)
    for element in chrome:
        element.decompose()


def _is_chrome(element: Tag) -> bool:
    return element.name in _CHROME_TAGS or (element.name in _CHROME_CONTAINERS and _chrome_name(element))


def _chrome_name(element: Tag) -> bool:
    names = [element.get("id") or "", *(element.get("class") or [])]
    return any(_CHROME_NAME.search(name) for name in names)


def _attr(tag: Tag, name: str) -> str:
    """A single-valued attribute's text, "" when absent."""
    # bs4 makes a list only of multi-valued attributes (class, rel and the like), never of these
    return cast(str, tag.get(name) or "")


def _published_on(soup: BeautifulSoup) -> str | None:
    for meta in soup.find_all("meta"):
        key = (_attr(meta, "name") or _attr(meta, "property")).strip().lower()
        if key in _DATE_METAS and (match := _DATE.search(_attr(meta, "content"))):
            try:
                return datetime.date(*map(int, match.groups())).isoformat()
            except ValueError:
                continue
    return None


class _Flow:
    """Turns markup into lines: block elements and <br> end a line; data tables (those holding no
    table, by id() in ``holds_table``) go to ``on_table``."""

    def __init__(
        self,
        on_line: Callable[[str], None],
        on_table: Callable[[Tag], object] | None = None,
        holds_table: AbstractSet[int] = frozenset(),
    ):
        self.on_line, self.on_table, self.holds_table = on_line, on_table, holds_table
        self.parts: list[str] = []

    def run(self, element: Tag) -> None:
        self.walk(element)
        self.end_line()

    def walk(self, element: Tag) -> None:
        for child in element.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    self.parts.append(child)
            elif not isinstance(child, Tag):
                continue  # never: bs4's tree holds only strings and tags
            elif child.name == "br":
                self.end_line()
            elif child.name == "table" and self.on_table and id(child) not in self.holds_table:
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
            covered += rowspan * colspan
            if covered > MAX_TABLE_CELLS:
                raise LimitError(f"网页中的表格过大（展开后超过 {MAX_TABLE_CELLS} 个单元格）")
            text = _cell_text(cell)
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
