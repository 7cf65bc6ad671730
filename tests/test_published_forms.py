"""Reports in the forms offices really publish them (tests/fixtures/realistic/, written by
scripts/make_fixtures.py, described in its expected.json): a report saved as a CMS web page,
that page printed by headless Chromium and converted by LibreOffice, PDFs whose narrative sits
in per-line boxes or single-cell bordered tables, and a 2019-format page. One test per failure
mode of the readers, each through the whole pipeline as ``nianbao review --no-llm`` runs it.

Every fixture carries its own expectations: ``cells`` (canonical keys, as the JSON ``tables``
object names them), ``must`` / ``must_not`` rule ids, ``should`` (soft, not asserted here) and
``modes``, the failure modes it stages."""

import json
import math
from functools import cache

import pytest
from conftest import HERE

from nianbao.narrative import make_reviewer
from nianbao.review import review_bytes

REALISTIC = HERE / "fixtures" / "realistic"
EXPECTED: dict[str, dict] = json.loads((REALISTIC / "expected.json").read_text(encoding="utf-8"))
PARTS = ["一", "二", "三", "四", "五", "六"]


def fixtures(mode: str) -> list[str]:
    return [name for name, entry in EXPECTED.items() if mode in entry["modes"]]


@cache
def reviewed(name: str):
    """The review of one fixture, as the CLI makes it with --no-llm (heuristic narrative)."""
    return review_bytes((REALISTIC / name).read_bytes(), name, narrative=make_reviewer(no_llm=True))


def lookup(tables: dict, key: str):
    node = tables
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return "<absent>"
        node = node[part]
    return node


def same(want, got) -> bool:
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return False
    return got == want or math.isclose(float(got), float(want), abs_tol=1e-9)


def wrong_cells(name: str, keys) -> dict[str, tuple]:
    tables, cells = reviewed(name).tables, EXPECTED[name]["cells"]
    return {k: (cells[k], lookup(tables, k)) for k in keys if not same(cells[k], lookup(tables, k))}


def rules(name: str) -> set[str]:
    return {f.rule for f in reviewed(name).findings}


def test_every_fixture_is_described():
    on_disk = {p.name for p in REALISTIC.iterdir() if p.name != "expected.json"}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", fixtures("cells"))
def test_cells_exact(name):
    """Every cell of 表二/三/四 (200 in the 2021 format; 2019: 22 + 161 + 15, the 2019-only cells
    under t2_2019 / t3_groups): label wrapping, spans, page breaks and chrome lose none."""
    wrong = wrong_cells(name, EXPECTED[name]["cells"])
    assert not wrong, f"{len(wrong)} of {len(EXPECTED[name]['cells'])} cells wrong (want, got): {wrong}"


@pytest.mark.parametrize("name", fixtures("no-false-finding"))
def test_no_false_findings(name):
    false = {f.rule: f.message for f in reviewed(name).findings if f.rule in EXPECTED[name]["must_not"]}
    assert not false, f"false findings: {false}"


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if e["must"]])
def test_required_findings(name):
    """What a careful reviewer reports must still be reported once the text is read from this form
    (e.g. 「截至目前」 in part 一 → vague-time-reference)."""
    missing = set(EXPECTED[name]["must"]) - rules(name)
    assert not missing, f"not reported: {sorted(missing)}; reported: {sorted(rules(name))}"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_front_and_back_matter_found(name):
    """Title, issuer, year, template, statistics period and signature date survive the form: site
    navigation before the title, related links and footer after the signature, boxed lines."""
    want, report = EXPECTED[name]["report"], reviewed(name).report
    got = {
        "title": report.title,
        "issuer": report.issuer,
        "year": report.year,
        "template": report.template,
        "period": [report.period.start, report.period.end],
        "signed_on": report.signed_on,
    }
    assert got == want


@pytest.mark.parametrize("name", fixtures("typo-row"))
def test_typo_label_row_placed(name):
    """表三 row 「2.其他法律行政法规禁止公开」 printed with a typo no label keyword matches: the row
    still lands in its place (fixed row order) and its neighbours keep theirs."""
    typo = EXPECTED[name]["typo_row"]
    neighbours = (typo["key"], "denied_state_secret", "denied_security_stability", "denied_third_party")
    keys = [k for k in EXPECTED[name]["cells"] if k.split(".")[1] in neighbours]
    assert not wrong_cells(name, keys)
    assert "table-missing" not in rules(name)


@pytest.mark.parametrize("name", fixtures("page-breaks"))
def test_page_break_rows_kept(name):
    """Rows on either side of the staged page breaks (表二 block header | its data row; 表三 inside
    a group of 「三、本年度办理结果」) keep their values, and their cells the page they are printed on."""
    raw = reviewed(name).tables["cells_raw"]
    for staged in EXPECTED[name]["page_breaks"]:
        pages = staged["pages"]
        assert not wrong_cells(name, pages), staged
        got = {k: raw.get(k, {}).get("page") for k in pages}
        assert got == pages, staged


@pytest.mark.parametrize("name", fixtures("boxed-narrative"))
def test_boxed_lines_read_as_narrative(name):
    """Narrative in per-line boxes or one-cell bordered tables is prose, not statistics: the six
    parts, the statistics-period sentence (wrapped over two boxes) and the fee item are found."""
    review = reviewed(name)
    assert list(review.report.parts) == PARTS
    assert [review.report.period.start, review.report.period.end] == EXPECTED[name]["report"]["period"]
    assert not {"missing-part", "statistics-period-missing", "fee-statement-missing"} & rules(name)


@pytest.mark.parametrize("name", fixtures("negative-change"))
def test_negative_change_accepted(name):
    """2019 format: 本年增/减 may be negative (items abolished) and is not invalid-number."""
    changes = [k for k in EXPECTED[name]["cells"] if k.endswith(".change")]
    assert any(EXPECTED[name]["cells"][k] < 0 for k in changes)
    assert not wrong_cells(name, changes)
    assert reviewed(name).report.template == "2019"
    assert "invalid-number" not in rules(name)


@pytest.mark.parametrize("name", [n for n in fixtures("typo-row") if n.endswith(".pdf")])
def test_pdf_findings_name_the_printed_line_on_their_page(name):
    """A reviewer holding the PDF looks for 「第N页第M行」: M counts printed lines on page N (a table
    row is one), not the lines of the whole text."""
    from nianbao.render import where

    typo = next(f for f in reviewed(name).findings if f.rule == "typo" and f.source == "rule")
    location = typo.location
    assert location.page and location.page_line and location.page_line < location.line
    assert location.page_line <= 60  # an A4 page holds no more printed lines than that
    assert where(typo).startswith(f"第{location.page}页 第{location.page_line}行")
