"""What was read from a scan: the pages OCR read, and how many table cells it is unsure of."""

from __future__ import annotations

from extractors.tables import LOW_CONFIDENCE

from .context import Context
from .registry import Hit, rule


@rule("ocr-pages", "info", spec="§3.4")
def ocr_pages(ctx: Context):
    """部分或全部页面是扫描件，文字经 OCR 识别。

    做什么：列出没有文字层、由 OCR 从页面图像识别文字的页码，以及识别置信度低于 0.9 的表格单元格数。置信度低的单元格所涉及的勾稽关系不成立时，报告「需人工核对」（警告）并给出页码和单元格位置，不报错误；识别出的数字不作任何修正。
    为什么：OCR 可能认错字，尤其是模糊、倾斜或盖章处的数字；审阅人需要知道哪些内容来自识别，哪些单元格值得对照原件看一眼。
    示例：「第 1、2、3 页为扫描件，文字经 OCR 识别；表格中 2 个单元格识别置信度低于 0.9」。
    如何改正：能取得带文字层的原稿（Word 或直接导出的 PDF）时，用原稿审阅；否则对照扫描件核对被标为需人工核对的单元格。
    """
    pages = ctx.ex.doc.ocr_pages
    if not pages:
        return
    doubtful = sum(ref.doubtful for ref in ctx.cells.values())
    counted = f"；表格中 {doubtful} 个单元格识别置信度低于 {LOW_CONFIDENCE}" if doubtful else ""
    where = "、".join(map(str, pages))
    yield Hit(f"第 {where} 页为扫描件，文字经 OCR 识别{counted}", page=pages[0])
