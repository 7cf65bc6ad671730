"""Every input appears in every format: a folder of 100 reports (txt, docx, html, pdf, and some that
cannot be read) gives the same reports, units and verdicts in text, JSON, JSON Lines, CSV and XLSX;
the spreadsheets as Excel and WPS users need them (BOM, Chinese headers, one row per finding,
frozen header, verdict colours, every table cell)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from conftest import HERE, SEEDS
from test_cli import nianbao

GENERATED = HERE / "fixtures" / "generated"
BAD = HERE / "fixtures" / "bad"
SOURCES = [*SEEDS, *(GENERATED / f"00{i}.{ext}" for i in "024" for ext in ("docx", "html", "pdf"))]
UNREADABLE = {
    "50-empty.txt": BAD / "empty.txt",
    "51-corrupt.docx": BAD / "corrupt.docx",
    "52-notice.txt": BAD / "meeting_notice.txt",
}
VERDICTS = {"通过": "pass", "有警告": "warn", "不通过": "fail", "无法读取": "unreadable"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("batch")
    for i in range(97):
        source = SOURCES[i % len(SOURCES)]
        sub = root / ("a" if i % 2 else "b")  # folders are walked recursively
        sub.mkdir(exist_ok=True)
        shutil.copyfile(source, sub / f"{i:02d}{source.suffix}")
    for name, source in UNREADABLE.items():
        shutil.copyfile(source, root / name)
    return root


@pytest.fixture(scope="module")
def expected(folder) -> Counter:
    """(file, unit, verdict) of every input, from JSON Lines."""
    proc = nianbao("review", folder, "--no-llm", "--jobs", "2", "-f", "jsonl")
    assert proc.returncode == 2
    *entries, summary = map(json.loads, proc.stdout.splitlines())
    assert summary["schema"] == "nianbao.summary/1" and summary["totals"]["reports"] == 100
    assert summary["totals"]["unreadable"] == 3 and len(summary["unreadable"]) == 3
    assert {Path(u["path"]).name for u in summary["unreadable"]} == set(UNREADABLE)
    found = Counter()
    for e in entries:
        if e["schema"] == "nianbao.review/1":
            found[(e["source"]["path"], e["report"]["issuer"], e["verdict"])] += 1
        else:
            assert e["schema"] == "nianbao.unreadable/1" and e["error"]
            found[(e["source"]["path"], None, "unreadable")] += 1
    assert len(found) == 100
    assert Counter((r["path"], r["unit"], r["verdict"]) for r in summary["reports"]) == found
    return found


def test_json_has_every_input_and_the_summary_last(folder, expected):
    proc = nianbao("review", folder, "--no-llm", "--jobs", "2", "-f", "json")
    *entries, summary = json.loads(proc.stdout)
    got = Counter(
        (e["source"]["path"], e.get("report", {}).get("issuer"), e.get("verdict", "unreadable"))
        for e in entries
    )
    assert got == expected and summary["totals"]["reports"] == 100


def test_csv_rows_cover_every_input(folder, expected, tmp_path):
    out = tmp_path / "审阅.csv"
    proc = nianbao("review", folder, "--no-llm", "--jobs", "2", "-f", "csv", "-o", out)
    assert proc.returncode == 2 and "批量审阅汇总" in proc.stdout  # the file has the rows, stdout the summary
    data = out.read_bytes()
    assert data.startswith("\ufeff序号,文件,单位".encode())  # UTF-8 with BOM: Excel and WPS read it as such
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    got = Counter({(r["文件"], r["单位"] or None, VERDICTS[r["结论"]]): 1 for r in rows})
    assert got == expected
    reviewed = [r for r in rows if r["结论"] != "无法读取"]
    assert sum(1 for r in reviewed if r["规则"]) == sum(
        1 for r in reviewed if r["级别"]
    )  # one row per finding
    assert {r["问题"] for r in rows if r["文件"].endswith("50-empty.txt")} == {"文件为空"}


def test_xlsx_sheets(folder, expected, tmp_path):
    out = tmp_path / "审阅.xlsx"
    proc = nianbao("review", folder, "--no-llm", "--jobs", "2", "-f", "xlsx", "-o", out, "--sort", "verdict")
    assert proc.returncode == 2
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["汇总", "问题清单", "表格数据"]
    summary, findings, cells = (book[name] for name in book.sheetnames)
    for sheet in (summary, findings, cells):
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    head = [c.value for c in summary[1]]
    rows = [dict(zip(head, (c.value for c in row), strict=True)) for row in summary.iter_rows(min_row=2)]
    assert Counter((r["文件"], r["单位"], VERDICTS[r["结论"]]) for r in rows) == expected
    assert [r["结论"] for r in rows[:3]] == ["无法读取"] * 3 and rows[-1]["结论"] == "通过"  # --sort verdict
    fills = {r[4].value: r[4].fill.start_color.rgb[-6:] for r in summary.iter_rows(min_row=2)}
    assert fills == {"无法读取": "D9D9D9", "不通过": "FFC7CE", "有警告": "FFEB9C", "通过": "C6EFCE"}
    assert [c.value for c in findings[1]][6:] == [
        "部分",
        "级别",
        "规则",
        "问题",
        "位置",
        "单元格",
        "原文",
        "判断来源",
    ]
    assert findings.max_row - 1 == sum(
        int(r["错误"]) + int(r["警告"]) + int(r["提示"]) for r in rows if r["错误"] is not None
    )
    cell_rows = list(cells.iter_rows(min_row=2, values_only=True))
    assert len({r[0] for r in cell_rows}) == 97  # every report read has its cells
    assert ("表三", "t3.new_received.total") in {(r[3], r[5]) for r in cell_rows}


def test_text_lists_every_input(folder, expected):
    proc = nianbao("review", folder, "--no-llm", "--jobs", "2")
    reviews, summary = proc.stdout.split("批量审阅汇总\n")
    for path, _unit, verdict in expected:
        assert path in summary
        assert (f"文件：{path}" if verdict != "unreadable" else f"无法读取：{path}") in reviews
    assert summary.splitlines()[0].startswith(
        proc.stderr.splitlines()[-1] + "；问题：错误 "
    )  # stderr: the short form


def test_xlsx_needs_an_output_file(folder):
    proc = nianbao("review", folder, "-f", "xlsx")
    assert proc.returncode == 2 and "-o" in proc.stderr


def test_an_output_file_that_cannot_be_written_is_refused_before_the_batch(folder, tmp_path):
    for fmt, target in (
        ("xlsx", tmp_path / "no" / "such" / "a.xlsx"),
        ("json", tmp_path),
        ("csv", tmp_path / "x" / "a.csv"),
    ):
        proc = nianbao("review", folder, "--no-llm", "-f", fmt, "-o", target)
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr.count("\n") == 1 and "无法写入" in proc.stderr, proc.stderr
        assert "Error" not in proc.stderr and "directory" not in proc.stderr


def test_the_batch_summary_names_each_common_problem_in_chinese(folder):
    proc = nianbao("review", folder, "--no-llm", "--jobs", "2")
    common = proc.stdout.split("常见问题")[1]
    assert "落款日期早于统计期末，或不在报告年度的次年  [report-date-invalid]" in common


def test_html_index_lists_every_input(folder, expected, tmp_path):
    """The HTML report's own tests are in its module's; here only: the same inputs as every format."""
    out = tmp_path / "审阅报告"
    proc = nianbao("review", folder, "--no-llm", "--jobs", "2", "-f", "html", "-o", out)
    assert proc.returncode == 2
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(path in index for path, _, _ in expected)
    assert len(list(out.glob("0*.html"))) == sum(1 for _, _, verdict in expected if verdict != "unreadable")
