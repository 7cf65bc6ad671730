"""The HTML report (``--format html -o DIR``): pages written as reviews arrive, the index at the end,
and what a real headless Chromium makes of them — the tables laid out as printed, wrong and blank
cells linked to findings whose anchors exist, 「大模型判断」 marks, sorting, and an A4 print."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import pypdfium2
import pytest
from bs4 import BeautifulSoup
from conftest import HERE

from nianbao.config import Config
from nianbao.models import Finding, Location, verdict_of
from nianbao.render.html import INDEX, HtmlWriter, page_name, render_page, write_html
from nianbao.review import review_bytes
from nianbao.summary import Summary

CASES = HERE.parent / "eval" / "cases"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")


def reviewed(case: str, **config):
    path = CASES / case / "input.txt"
    return review_bytes(path.read_bytes(), f"{case}.txt", Config(**config))


def with_llm_finding(review):
    llm = Finding(
        rule="narrative-table-mismatch",
        severity="warning",
        part="一",
        source="llm",
        message="叙述说收到申请 27 件，表三「本年新收」总计为 26 件",
        evidence="受理政府信息公开申请27件",
        location=Location(line=9, cell="t3.new_received.total"),
    )
    findings = [*review.findings, llm]
    verdict, counts = verdict_of(findings)
    return replace(review, findings=findings, verdict=verdict, counts=counts)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    reviews = [
        with_llm_finding(reviewed("rule-t3-balance-mismatch", disable=["vague-time-reference"])),
        reviewed("rule-blank-or-placeholder-cells"),
        reviewed("clean"),
    ]
    index = write_html([reviews[0], ("损坏.pdf", "文件损坏或不完整"), *reviews[1:]], out)
    return out, index


def chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:  # a fresh profile: nothing shared between runs
        return subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )


def dom(page: Path) -> BeautifulSoup:
    return BeautifulSoup(chromium("--dump-dom", page.as_uri()).stdout, "lxml")


# -- without a browser ----------------------------------------------------------------------------


def test_pages_are_written_as_reviews_arrive_and_the_index_last(tmp_path):
    review = reviewed("clean")
    writer = HtmlWriter(tmp_path)
    with Summary(3, sort="verdict") as summary:
        for index, item in enumerate([review, ("坏/文件.docx", "文件损坏或不完整"), review], 1):
            if isinstance(item, tuple):
                summary.add(index, item[0], reason=item[1])
                writer.unreadable(index, *item)
            else:
                summary.add(index, item.source.path, item)
                writer.review(index, item)
                assert (tmp_path / page_name(index, item.source.path)).exists()
            assert not (tmp_path / INDEX).exists()
        writer.finish(summary)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0001-clean.html", "0003-clean.html", INDEX]
    index = (tmp_path / INDEX).read_text(encoding="utf-8")
    assert "坏/文件.docx" in index and "文件损坏或不完整" in index and "无法读取 1" in index
    assert index.index("坏/文件.docx") < index.index("0001-clean.html")  # --sort verdict: unreadable first


def test_a_page_escapes_what_the_report_says():
    review = reviewed("clean")
    review = replace(review, report=replace(review.report, title="<script>x()</script>"))
    page = render_page(review)
    assert "<script>x()" not in page and "&lt;script&gt;" in page


# -- in Chromium ----------------------------------------------------------------------------------


@needs_chromium
def test_a_report_page_lays_out_the_tables_and_links_each_marked_cell_to_its_finding(site):
    out, _ = site
    doc = dom(out / "0001-rule-t3-balance-mismatch.html")
    t2, t3, t4 = (doc.select_one(f"section#{t} table.grid") for t in ("t2", "t3", "t4"))
    assert len(t3.select("td[data-cell]")) == 25 * 7 and len(t4.select("td[data-cell]")) == 15
    assert len(t2.select("td[data-cell]")) == 10
    # the official layout: 「三、本年度办理结果」 spans its 22 rows, 「（三）不予公开」 its 8
    assert t3.find("th", string="三、本年度办理结果")["rowspan"] == "22"
    assert t3.find("th", string="（三）不予公开")["rowspan"] == "8"
    assert [th.get_text() for th in t4.select("tr")[0].select("th")] == ["行政复议", "行政诉讼"]
    # the header rows repeat on every printed page the table runs over
    assert len(t3.select("thead tr")) == 3 and len(t3.select("tbody td[data-cell]")) == 175
    flagged = t3.select("td.flagged")
    assert {td["data-cell"] for td in flagged} == {"t3.new_received.natural_person", "t3.new_received.total"}
    for td in flagged:
        target = doc.find(id=td.a["href"][1:])
        assert target is not None and target.name == "li" and "t3-balance-mismatch" in target.get_text()
        assert "报告值：26" in target.get_text() and td.a.get_text() == "26"
    # the finding links back to its cell; the error wins the cell over the LLM's warning
    total = doc.select_one('td[data-cell="t3.new_received.total"]')
    assert "sev-error" in total["class"]
    llm = doc.select_one('li[data-source="llm"]')
    assert "「大模型判断」" in llm.select_one(".mark").get_text() and "表三「一、本年新收" in llm.get_text()
    assert not any(".mark" in str(li) for li in doc.select('li[data-source="rule"] .mark'))
    back = doc.select_one('li[data-rule="t3-balance-mismatch"] a.back')["href"]
    assert doc.find(id=back[1:])["data-cell"].startswith("t3.new_received.")
    assert "按配置停用的规则（未检查）：vague-time-reference" in doc.footer.get_text()
    assert "格式模板" in doc.get_text() and "2021 版" in doc.get_text()


@needs_chromium
def test_blank_cells_are_marked_and_linked(site):
    out, _ = site
    doc = dom(out / "0003-rule-blank-or-placeholder-cells.html")
    blank = doc.select_one('td[data-cell="t4.review.total"]')
    assert {"blank", "flagged", "sev-warning"} <= set(blank["class"])
    assert "blank-or-placeholder-cells" in doc.find(id=blank.a["href"][1:]).get_text()


@needs_chromium
def test_the_index_lists_every_input_links_every_page_and_sorts(site, tmp_path):
    out, index = site
    doc = dom(index)
    rows = doc.select("#reports tbody tr")
    assert len(rows) == 4 and "文件损坏或不完整" in rows[1].get_text() and "无法读取" in rows[1].get_text()
    assert "表三「总计」列：本年新收 26 + 上年结转 1 = 27" in rows[0].get_text()  # the first errors
    for a in doc.select("#reports a"):
        assert (out / a["href"]).is_file()
    # click 「错误」 twice (descending): the failing report first
    clicking = index.read_text(encoding="utf-8").replace(
        "</body>",
        "<script>const th = document.querySelectorAll('#reports th')[5]; th.click(); th.click();</script>"
        "</body>",
    )
    (out / "sorted.html").write_text(clicking, encoding="utf-8")
    rows = dom(out / "sorted.html").select("#reports tbody tr")
    assert [r.select("td")[5].get_text() for r in rows] == ["2", "0", "0", ""]


@needs_chromium
def test_a_page_prints_to_a4(site, tmp_path):
    out, _ = site
    pdf = tmp_path / "report.pdf"
    chromium(
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        (out / "0001-rule-t3-balance-mismatch.html").as_uri(),
    )
    doc = pypdfium2.PdfDocument(pdf)
    assert len(doc) > 0
    for page in doc:
        width, height = page.get_size()  # points: A4 is 210 × 297 mm
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2


def test_review_writes_the_report_folder_with_every_input(tmp_path):
    from conftest import seed
    from typer.testing import CliRunner

    from nianbao.cli import app

    inputs = [str(seed("001")), str(HERE / "fixtures" / "bad" / "empty.txt"), str(seed("004"))]
    result = CliRunner().invoke(
        app, ["review", *inputs, "--no-llm", "-f", "html", "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 2, result.output  # the unreadable file
    pages = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert pages == ["0001-001_9d4d9aaa007f268b.html", "0003-004_ad630df0648df120.html", INDEX]
    index = (tmp_path / "out" / INDEX).read_text(encoding="utf-8")
    assert index.count("<tr>") == 4 and "文件为空" in index and "临淄区金岭回族镇" in index
    assert "共 3 份" in result.stdout  # the batch summary on stdout, the pages in the folder
    missing = CliRunner().invoke(app, ["review", inputs[0], "-f", "html"])
    assert missing.exit_code == 2 and "--format html 需要用 -o 指定输出文件夹" in missing.stderr
