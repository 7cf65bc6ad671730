"""One test per relation of spec §4.1, with an error injected in each column, row and group.

A single changed cell must produce exactly the relation's finding on that cell, nothing else
arithmetic — and a blank operand makes the relation uncertain, never a mismatch."""

import pytest
from report_builder import build_report, clean_values

from extractors import schema as S
from nianbao.review import review_bytes

ARITHMETIC = {"t3-balance-mismatch", "t3-row-total-mismatch", "t3-results-total-mismatch", "t4-group-total-mismatch"}


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
    assert f.message == "表四「行政复议」：总计 3，但四项之和（结果维持 1 + 结果纠正 1 + 其他结果 0 + 尚未审结 0）= 2"
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
    text = text.replace("\t（三）不予公开\n\t1.属于国家秘密", "\t（三）不予公开\n" + "".join(f"\t{v}\n" for v in (3, 0, 0, 0, 0, 0, 3))
                        + "\n\t1.属于国家秘密")
    review = review_bytes(text.encode(), "x.txt")
    rules = {(f.rule, f.location.cell) for f in review.findings}
    assert ("t3-results-total-mismatch", "t3_groups.denied.natural_person") in rules
    assert ("nonstandard-table-rows", None) in rules
    assert review.tables["t3_groups"]["denied"]["total"] == 3
