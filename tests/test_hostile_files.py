"""Hostile input files (issue 10, docs/limits-files.md): every row of scripts/make_hostile.py goes
through ``nianbao review`` in a fresh process and ends, within a time and a memory bound, either in
one clear line on stderr (exit 2) or in the same review as the harmless file it was made from."""

from __future__ import annotations

import importlib
import json
from functools import cache
from pathlib import Path

import pytest

from extractors import docx_loader, html_loader, load, pdf_grid, pdf_loader, pdf_page

ROOT = Path(__file__).resolve().parents[1]
SECONDS = 10  # a review of one of these takes ~1 s; before the limits, the worst took minutes
PEAK_MB = 500


def hostile():
    return importlib.import_module("make_hostile")  # scripts/ is on sys.path (conftest.py)


MB = 1 << 20
CORRUPT_DOCX = "docx 文件已损坏或不完整"
NOT_A_REPORT = "不是政府信息公开工作年度报告"
REFUSED = {
    "docx_image_bomb": f"docx 中的 word/media/image1.png 解压后有 2048 MB，超过 {docx_loader.MAX_MEMBER_BYTES // MB} MB",
    "docx_image_bomb_8g": f"docx 中的 word/media/image1.png 解压后有 8192 MB，超过 {docx_loader.MAX_MEMBER_BYTES // MB} MB",
    "docx_xml_padding": f"docx 中的 word/document.xml 解压后有 2048 MB，超过 {docx_loader.MAX_MEMBER_BYTES // MB} MB",
    "docx_lying_size": CORRUPT_DOCX,  # zipfile stops at the stated size, then the CRC fails
    "docx_big_table": f"docx 中的 word/document.xml 压缩比 294:1，超过 {docx_loader.MAX_RATIO}:1",
    "docx_many_cells": f"docx 中的表格过大（共 25324 个单元格，超过 {docx_loader.MAX_CELLS} 个）",
    "docx_big_xml": f"docx 中的 word/document.xml 解压后超过 {docx_loader.MAX_XML_BYTES // MB} MB",
    "docx_bzip2_member": "docx 中的 word/document.xml 用了 Word 不用的压缩方式",
    "docx_billion_laughs": CORRUPT_DOCX,
    "docx_truncated": "文件已损坏或不完整（ZIP 结构无法读取）",
    "html_deep_nesting": f"网页的标签超过 {html_loader.MAX_TAGS} 个",
    "html_deep_10k": f"网页的元素嵌套超过 {html_loader.MAX_DEPTH} 层",
    "html_big_table": f"网页中的表格过大（展开后超过 {html_loader.MAX_TABLE_CELLS} 个单元格）",
    "pdf_dense_page": f"PDF 第 1 页的字符超过 {pdf_page.MAX_PAGE_CHARS} 个",
    "pdf_many_rulings": f"PDF 第 1 页的线条超过 {pdf_page.MAX_PAGE_RULINGS} 条",
    "pdf_long_path": f"PDF 第 1 页的图形超过 {pdf_page.MAX_PAGE_GRAPHICS} 个对象和路径段",
    "pdf_lattice": f"PDF 第 1 页的表格过大（超过 {pdf_grid.MAX_TABLE_CELLS} 个单元格）",
    "pdf_flate_bomb": f"PDF 中有数据流解压后超过 {pdf_loader.MAX_STREAM_BYTES // MB} MB",
    "pdf_5000_pages": f"PDF 有 5000 页，超过 {pdf_loader.MAX_PAGES} 页",
    "pdf_cyclic_pages": NOT_A_REPORT,  # pdfium reads the one real page
    "pdf_cyclic_form": NOT_A_REPORT,
    "txt_many_lines": f"超过 {load.MAX_LINES} 行",
    "txt_long_line": f"超过 {load.MAX_CHARS} 个",
    "path_symlink_loop": "符号链接形成循环",
    "path_fifo": "是命名管道，不是普通文件",
    "path_device": "是字符设备，不是普通文件",
}
# rows that must be reviewed exactly like the file they were made from
REVIEWED = {
    "docx_xxe": "BASE_DOCX",
    "html_billion_laughs": "BASE_HTML",
    "txt_nul_after_4k": "BASE_TXT",
    "txt_utf16_odd": "BASE_TXT",
    **{f"html_charset_{name}": "BASE_HTML" for name in ("rot13", "base64", "zlib", "hex", "punycode")},
}


def run(path: Path):
    result = hostile().review(path, timeout=60)
    assert result.status is not None, "killed at 60 s"
    assert "Traceback" not in result.stderr
    assert result.seconds < SECONDS, f"{result.seconds:.1f} s"
    assert result.peak_mb < PEAK_MB, f"{result.peak_mb:.0f} MB"
    return result


@cache
def base_review(base: str) -> dict:
    return json.loads(run(getattr(hostile(), base)).stdout)


def the_same(review: dict) -> tuple:
    """What a review says, not where (a row may add a line before the report)."""
    tables = {name: cells for name, cells in review["tables"].items() if name != "cells_raw"}
    return tables, review["verdict"], [(f["rule"], f["severity"]) for f in review["findings"]]


def test_every_row_is_covered():
    assert set(REFUSED) | set(REVIEWED) == set(hostile().ROWS)


@pytest.mark.timeout(90)
@pytest.mark.parametrize("row", REFUSED)
def test_refused_in_one_line(row, tmp_path):
    path = hostile().build(row, tmp_path)
    result = run(path)
    assert result.status == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and REFUSED[row] in lines[0], result.stderr


@pytest.mark.timeout(90)
@pytest.mark.parametrize("row", REVIEWED)
def test_reviewed_like_the_harmless_file(row, tmp_path):
    result = run(hostile().build(row, tmp_path))
    assert result.status in (0, 1), result.stderr
    assert the_same(json.loads(result.stdout)) == the_same(base_review(REVIEWED[row]))
    assert "root:" not in result.stdout and "lollol" not in result.stdout  # no entity was expanded
