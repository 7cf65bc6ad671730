"""The PDF table reader on its own input — characters with boxes and ruling lines, the shape OCR
would give too — one test per way a published PDF lays a table out."""

from extractors.pdf_grid import GridTable, layout, text_lines
from extractors.pdf_loader import _lay_out, _Page, _stitch
from extractors.pdf_page import Glyph, PageContent, Ruling

SIZE = 10.0


def text(s: str, x: float, top: float) -> list[Glyph]:
    """``s`` printed from ``x`` on the line whose em box starts at ``top``, one em per character."""
    out = []
    for ch in s:
        width = SIZE if ord(ch) > 0x2E80 else SIZE / 2
        out.append(Glyph(ch, x, x + width, top, top + SIZE, SIZE))
        x += width
    return out


def box_rulings(xs: list[float], ys: list[float], skip_v=(), skip_h=()) -> list[Ruling]:
    """A full grid of lines between ``xs`` × ``ys``, without the vertical pieces (column, row) in
    ``skip_v`` and the horizontal pieces (row boundary, column) in ``skip_h``: merged cells."""
    rulings = []
    for c, x in enumerate(xs):
        for r in range(len(ys) - 1):
            if (c, r) not in skip_v:
                rulings.append(Ruling(x, ys[r], x, ys[r + 1]))
    for r, y in enumerate(ys):
        for c in range(len(xs) - 1):
            if (r, c) not in skip_h:
                rulings.append(Ruling(xs[c], y, xs[c + 1], y))
    return rulings


def page(glyphs, rulings, number=1) -> PageContent:
    return PageContent(number, 595, 842, glyphs, rulings)


def only_table(content: PageContent) -> list[list[str | None]]:
    tables, _ = layout(content)
    assert len(tables) == 1
    return tables[0].rows


def test_a_label_spanning_two_columns_leaves_no_empty_cell_before_the_numbers():
    xs, ys = [50, 100, 200, 250, 300], [100, 120, 140]
    rulings = box_rulings(xs, ys, skip_v={(1, 1)})  # row 2: the label spans columns 1-2
    glyphs = (
        text("三", 60, 105)
        + text("（一）予以公开", 105, 105)
        + text("1", 210, 105)
        + text("1", 260, 105)
        + text("（七）总计", 60, 125)
        + text("5", 210, 125)
        + text("5", 260, 125)
    )
    rows = only_table(page(glyphs, rulings))
    assert rows == [["三", "（一）予以公开", "1", "1"], ["（七）总计", None, "5", "5"]]


def test_a_group_label_spanning_rows_is_one_cell_with_empty_cells_below():
    xs, ys = [50, 100, 200, 250], [100, 120, 140, 160]
    rulings = box_rulings(xs, ys, skip_h={(1, 0), (2, 0)})  # column 0 merged over the three rows
    glyphs = text("不予公开", 52, 125) + [
        g for i in range(3) for g in text(f"{i}.项目", 105, 105 + 20 * i) + text(str(i), 210, 105 + 20 * i)
    ]
    rows = only_table(page(glyphs, rulings))
    assert rows == [["不予公开", "0.项目", "0"], ["", "1.项目", "1"], ["", "2.项目", "2"]]


def test_a_label_wrapped_over_printed_lines_stays_one_cell():
    xs, ys = [50, 130, 180], [100, 140]
    glyphs = text("1.申请人无正当理", 52, 102) + text("由逾期不补正", 52, 116) + text("0", 150, 110)
    rows = only_table(page(glyphs, box_rulings(xs, ys)))
    assert rows == [["1.申请人无正当理\n由逾期不补正", "0"]]


def test_boxed_lines_of_narrative_are_text_not_a_table():
    ys = [100, 120, 140, 160]
    rulings = box_rulings([50, 500], ys)  # one column of boxes, one per printed line
    glyphs = (
        text("一、总体情况", 60, 105)
        + text("本年度主动公开信息二十条。", 60, 125)
        + text("二、主动公开政府信息情况", 60, 145)
    )
    tables, lines = layout(page(glyphs, rulings))
    assert tables == []
    assert [line.text for line in lines] == [
        "一、总体情况",
        "本年度主动公开信息二十条。",
        "二、主动公开政府信息情况",
    ]


def test_numbers_part_from_labels_and_each_other_but_chinese_text_stays_whole():
    glyphs = text("规章", 50, 100) + text("12", 120, 100) + text("3", 160, 100)
    assert [line.text for line in text_lines(glyphs)] == ["规章 12 3"]
    spaced = [Glyph(ch, 50 + 14 * i, 60 + 14 * i, 100, 110, SIZE) for i, ch in enumerate("邮编：")]
    assert [line.text for line in text_lines(spaced)] == ["邮编："]


def _page_with(*tables: GridTable) -> _Page:
    return _Page(1, list(tables), {}, 50, 500)


def test_a_row_cut_by_the_page_break_is_joined_again():
    xs = [50, 100, 200, 250]
    head = GridTable([["", "（五）", "1.信访举报投诉", "0"]], 700, 800, [700], xs)
    tail = GridTable([["", "不予处理", "类申请", ""], ["", "", "2.重复申请", "0"]], 50, 90, [50, 70], xs)
    before, after = _page_with(head), _page_with(tail)
    _stitch(before, after)
    assert head.rows[-1] == ["", "（五）不予处理", "1.信访举报投诉类申请", "0"]
    assert tail.rows == [["", "", "2.重复申请", "0"]]


def test_a_header_row_on_the_next_page_is_not_joined_to_a_whole_label():
    xs = [50, 100, 150, 200]
    head = GridTable(
        [["行政复议", None, "行政诉讼"], ["结果维持", "总计", "未经复议直接起诉"]], 700, 800, [700, 720], xs
    )
    tail = GridTable([["", "", "结果维持"], ["1", "1", "0"]], 50, 90, [50, 70], xs)
    _stitch(_page_with(head), _page_with(tail))
    assert head.rows[-1] == ["结果维持", "总计", "未经复议直接起诉"]
    assert tail.rows[0] == ["", "", "结果维持"]


def test_header_rows_printed_again_on_the_next_page_are_dropped():
    xs = [50, 100, 150]
    header = [["信息内容", "本年处理决定数量"]]
    head = GridTable(header + [["行政许可", "3"]], 700, 800, [700, 720], xs)
    tail = GridTable(header + [["行政处罚", "4"]], 50, 90, [50, 70], xs)
    _stitch(_page_with(head), _page_with(tail))
    assert tail.rows == [["行政处罚", "4"]]


def test_numbers_standing_apart_in_one_cell_are_one_value_each():
    xs, ys = [50, 150, 400], [100, 120]
    glyphs = text("规章", 55, 105) + text("0", 200, 105) + text("5", 260, 105) + text("5", 320, 105)
    assert only_table(page(glyphs, box_rulings(xs, ys))) == [["规章", "0", "5", "5"]]


def test_a_table_printed_without_lines_is_read_from_its_spaced_rows():
    glyphs = (
        text("一、总体情况", 50, 80)
        + text("信息内容", 50, 100)
        + text("规章", 50, 120)
        + text("0", 200, 120)
        + text("0", 260, 120)
        + text("0", 320, 120)
        + text("行政规范性文件", 50, 140)
        + text("3", 200, 140)
        + text("1", 260, 140)
        + text("12", 320, 140)
    )
    blocks = _lay_out(page(glyphs, [])).blocks
    assert [b.text for b in blocks[:2]] == ["一、总体情况", "信息内容"]
    assert blocks[2].rows == [["规章", "0", "0", "0"], ["行政规范性文件", "3", "1", "12"]]
