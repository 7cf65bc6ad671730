"""One test per relation of spec §4.1, with an error injected in each column, row and group.

A single changed cell must produce exactly the relation's finding on that cell, nothing else
arithmetic — and a blank operand makes the relation uncertain, never a mismatch."""

import pytest
from report_builder import build_report, clean_values

from extractors import schema as S
from nianbao.review import review_bytes
from nianbao.rules.relations import RELATIONS

ARITHMETIC = {r.rule for r in RELATIONS}


def review_with(**changes):
    values = clean_values()
    for address, value in changes.items():
        values[address.replace("__", ".")] = value
    return review_bytes(build_report(values).encode(), "injected.txt")


def arithmetic(review):
    return {(f.rule, f.location.cell) for f in review.findings if f.rule in ARITHMETIC}


def test_clean_report_has_no_finding_at_all():
    assert review_with().findings == []


@pytest.mark.parametrize("col", S.T3_COLUMNS)
def test_r_t3_bal_each_column(col):
    """carried_forward is in no row/column sum but the balance: only R-T3-BAL (and the row total) can see it."""
    values = clean_values()
    values[f"t3.carried_forward.{col}"] = 3
    values["t3.carried_forward.total" if col != "total" else "t3.carried_forward.natural_person"] = 3
    review = review_bytes(build_report(values).encode(), "x.txt")
    found = arithmetic(review)
    assert ("t3-balance-mismatch", f"t3.new_received.{col}") in found
    bal = next(f for f in review.findings if f.rule == "t3-balance-mismatch")
    assert "本年新收" in bal.message and "结转下年度 3" in bal.message


@pytest.mark.parametrize("row", S.T3_ROW_KEYS)
def test_r_t3_row_each_row(row):
    values = clean_values()
    values[f"t3.{row}.total"] = values[f"t3.{row}.total"] + 5
    found = arithmetic(review_bytes(build_report(values).encode(), "x.txt"))
    assert ("t3-row-total-mismatch", f"t3.{row}.total") in found


@pytest.mark.parametrize("col", S.C6)
def test_r_t3_row_each_applicant_column(col):
    found = arithmetic(review_with(**{f"t3__granted__{col}": 12 + 1 if col == "natural_person" else 1}))
    assert ("t3-row-total-mismatch", "t3.granted.total") in found


@pytest.mark.parametrize("leaf", S.LEAVES)
def test_r_t3_res_each_leaf(leaf):
    """A leaf changed in the 总计 column breaks （七）总计 = Σ leaves (and that leaf's row total)."""
    values = clean_values()
    values[f"t3.{leaf}.total"] += 1
    review = review_bytes(build_report(values).encode(), "x.txt")
    found = arithmetic(review)
    assert ("t3-results-total-mismatch", "t3.results_total.total") in found
    assert ("t3-row-total-mismatch", f"t3.{leaf}.total") in found
    msg = next(f.message for f in review.findings if f.rule == "t3-results-total-mismatch")
    assert "（七）总计 26" in msg and "= 27" in msg


@pytest.mark.parametrize("group", S.T4_GROUPS)
@pytest.mark.parametrize("col", S.T4_COLUMNS[:4])
def test_r_t4_grp_each_group_and_column(group, col):
    found = arithmetic(review_with(**{f"t4__{group}__{col}": 2}))
    assert found == {("t4-group-total-mismatch", f"t4.{group}.total")}


def test_r_t4_grp_message_names_reported_and_computed():
    review = review_with(t4__review__upheld=1, t4__review__corrected=1, t4__review__total=3)
    f = next(f for f in review.findings if f.rule == "t4-group-total-mismatch")
    assert (
        f.message
        == "表四「行政复议」：总计 3，但四项之和（结果维持 1 + 结果纠正 1 + 其他结果 0 + 尚未审结 0）= 2"
    )
    assert f.severity == "error" and f.part == "四" and f.location.line


def test_totals_are_never_repaired():
    review = review_with(t3__results_total__total=30)
    assert review.tables["t3"]["results_total"]["total"] == 30


def test_null_operand_makes_relations_uncertain():
    values = clean_values()
    values["t3.granted.total"] = None  # written as an empty cell
    review = review_bytes(build_report(values).encode(), "x.txt")
    assert review.tables["t3"]["granted"]["total"] is None
    assert arithmetic(review) == set()
    blank = [f for f in review.findings if f.rule == "blank-or-placeholder-cells"]
    assert len(blank) == 1 and blank[0].location.cell == "t3.granted.total"


@pytest.mark.parametrize("placeholder", ["/", "-", "—", "无"])
def test_placeholders_are_null_not_zero(placeholder):
    text = build_report().replace("\t182.68\n", f"\t{placeholder}\n")
    review = review_bytes(text.encode(), "x.txt")
    assert review.tables["t2"]["art20_8"]["admin_fees"]["amount_10k_yuan"] is None
    assert [f.rule for f in review.findings] == ["blank-or-placeholder-cells"]


def test_regional_subtotal_rows_are_checked():
    """R-T3-SUB: a （三）不予公开 row with numbers must equal its eight leaves."""
    text = build_report()
    text = text.replace(
        "\t（三）不予公开\n\t1.属于国家秘密",
        "\t（三）不予公开\n" + "".join(f"\t{v}\n" for v in (3, 0, 0, 0, 0, 0, 3)) + "\n\t1.属于国家秘密",
    )
    review = review_bytes(text.encode(), "x.txt")
    rules = {(f.rule, f.location.cell) for f in review.findings}
    assert ("t3-results-total-mismatch", "t3_groups.denied.natural_person") in rules
    assert ("nonstandard-table-rows", None) in rules
    assert review.tables["t3_groups"]["denied"]["total"] == 3


def test_each_relation_has_one_comparison_per_column_row_or_group():
    from nianbao.rules.relations import comparisons

    cells = clean_values()
    counts = {}
    for relation, _ in comparisons("2021", cells):
        counts[relation.rule] = counts.get(relation.rule, 0) + 1
    assert counts == {
        "t3-balance-mismatch": 7,
        "t3-row-total-mismatch": 25,
        "t3-results-total-mismatch": 7,
        "t4-group-total-mismatch": 3,
    }


def test_the_2019_format_counts_other_handling_as_one_leaf():
    """2019: （六）其他处理 is one data row, a leaf of （七）总计; 2021 and hybrid tables use its three rows."""
    from nianbao.rules.relations import relations_of

    cells = {a for a in clean_values() if ".oh_" not in a} | {
        f"t3_groups.other_handling.{c}" for c in S.T3_COLUMNS
    }
    total = ("t3-results-total-mismatch", "t3.results_total.total")
    assert total in relations_of("t3_groups.other_handling.total", "2019", cells)
    assert total not in relations_of("t3_groups.other_handling.total", "hybrid", cells)
    assert total in relations_of("t3.oh_other.total", "hybrid", set(clean_values()))


# ---- cells OCR read with low confidence ---------------------------------------------------


def _extraction(values):
    from extractors.extract import extract
    from extractors.text_loader import load_text

    return extract(load_text(build_report(values)))


def _doubt(ex, address, confidence=0.62):
    ref = ex.tables.cells[address]
    ref.confidence, ref.page, ref.box = confidence, 2, (301.5, 402.0, 330.2, 414.9)


def test_a_mismatch_on_a_doubtful_cell_asks_a_person_instead_of_calling_an_error():
    from nianbao.config import Config
    from nianbao.rules import run_rules

    values = clean_values()
    values["t4.review.total"] = 3
    ex = _extraction(values)
    _doubt(ex, "t4.review.upheld")
    [finding] = [f for f in run_rules(ex) if f.rule == "t4-group-total-mismatch"]
    assert finding.severity == "warning"
    assert finding.message == (
        "需人工核对：表四「行政复议」：总计 3，但四项之和（结果维持 0 + 结果纠正 0 + 其他结果 0 + 尚未审结 0）= 0"
        "；识别存疑：表四「行政复议·结果维持」「0」第2页 (302,402)-(330,415) 识别置信度0.62"
    )
    regraded = run_rules(ex, Config(severity={"t4-group-total-mismatch": "error"}))
    assert {f.severity for f in regraded if f.rule == "t4-group-total-mismatch"} == {"warning"}


def test_a_confident_ocr_cell_and_a_cell_outside_the_relation_change_nothing():
    from nianbao.rules import run_rules

    values = clean_values()
    values["t4.review.total"] = 3
    ex = _extraction(values)
    _doubt(ex, "t4.review.corrected", confidence=0.95)
    _doubt(ex, "t4.litigation_direct.upheld")  # doubtful, but no operand of the failed comparison
    [finding] = [f for f in run_rules(ex) if f.rule == "t4-group-total-mismatch"]
    assert finding.severity == "error" and not finding.message.startswith("需人工核对")


def test_an_invalid_number_in_a_doubtful_cell_asks_a_person():
    from nianbao.rules import run_rules

    ex = _extraction(clean_values())
    ref = ex.tables.cells["t3.granted.natural_person"]
    ref.value, ref.raw, ref.invalid = None, "1Z", "不是数字"
    _doubt(ex, "t3.granted.natural_person", confidence=0.41)
    [finding] = [f for f in run_rules(ex) if f.rule == "invalid-number"]
    assert finding.severity == "warning"
    assert finding.message.startswith(
        "需人工核对：表三「（一）予以公开」行「自然人」列为「1Z」（不是数字）；识别存疑："
    )
    assert finding.message.endswith("第2页 (302,402)-(330,415) 识别置信度0.41")
