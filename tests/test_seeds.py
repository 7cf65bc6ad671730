"""The five real reports: every one of the 200 cells (spec §3, §4.5) and the deterministic
findings of spec §6.2, line by line."""

import pytest
from conftest import seed

from extractors import schema as S
from extractors.extract import extract
from extractors.load import load_path
from nianbao.review import review_bytes

# Every cell is 0 except these (spec §4.5 for 004; §6.2 for 002 and 003).
NONZERO = {
    "000": {},
    "001": {},
    "002": {"t2.art20_5.admin_licensing.decisions": 365, "t2.art20_6.admin_penalty.decisions": 5},
    "003": {
        f"t3.{r}.{c}": 1
        for r in ("new_received", "granted", "results_total")
        for c in ("natural_person", "total")
    },
    "004": {
        "t2.art20_5.admin_licensing.decisions": 18227,
        "t2.art20_6.admin_penalty.decisions": 202,
        "t2.art20_6.admin_coercion.decisions": 31,
        "t2.art20_8.admin_fees.amount_10k_yuan": 182.68,
        **{
            f"t3.{r}.{c}": n
            for r, n in (
                ("new_received", 26),
                ("granted", 12),
                ("partially_granted", 10),
                ("denied_third_party", 2),
                ("unable_not_held", 2),
                ("results_total", 26),
            )
            for c in ("natural_person", "total")
        },
    },
}

# (rule, line) of every deterministic finding, spec §6.2. 001 is, like 000, a township whose three
# tables are all zero, so S-T2-ACTIVITY (tables-all-zero) applies to it as well.
FINDINGS = {
    "000": {("tables-all-zero", 13), ("conversion-artifact", 399), ("report-date-missing", None)},
    "001": {
        ("personal-info-exposed", 28),
        ("template-hybrid-row", 81),
        ("part-heading-nonstandard", 456),
        ("fee-statement-vague", 460),
        ("tables-all-zero", 56),
    },
    "002": {
        ("title-nonstandard", 1),
        ("statistics-period-missing", None),
        ("conversion-artifact", 303),
        ("section6-items-missing", 343),
        ("report-date-invalid", 346),
    },
    "003": {
        ("contact-info-malformed", 2),
        ("conversion-artifact", 2),
        ("conversion-artifact", 64),
        ("conversion-artifact", 297),
        ("truncated-sentence", 402),
        ("section6-item-empty", 408),
        ("report-date-missing", None),
    },
    "004": {
        ("contact-info-malformed", 4),
        ("vague-time-reference", 15),
        ("conversion-artifact", 408),
        ("fee-statement-vague", 413),
        ("section6-item-empty", 414),
        ("report-date-missing", None),
    },
}

META = {
    "000": ("临淄区齐都镇人民政府", 2024, "2021", "2024-01-01", None),
    "001": ("临淄区金岭回族镇", 2022, "hybrid", "2022-01-01", "2023-01-29"),
    "002": ("定州市清风店镇人民政府", 2024, "2021", None, "2024-01-10"),
    "003": ("沂源县大张庄镇人民政府", 2024, "2021", "2024-01-01", None),
    "004": ("淄博经济开发区管理委员会", 2024, "2021", "2024-01-01", None),
}


def all_cells() -> list[str]:
    t2 = [f"t2.{b}.{r}.{c}" for b, rows in S.T2_2021.items() for r, cols in rows.items() for c in cols]
    t3 = [f"t3.{r}.{c}" for r in S.T3_ROW_KEYS for c in S.T3_COLUMNS]
    t4 = [f"t4.{g}.{c}" for g in S.T4_GROUPS for c in S.T4_COLUMNS]
    return t2 + t3 + t4


@pytest.mark.parametrize("sid", sorted(NONZERO))
def test_seed_tables_all_200_cells(sid):
    ex = extract(load_path(seed(sid))[0])
    cells = all_cells()
    assert len(cells) == 200
    got = {a: ex.tables.value(a) for a in cells}
    want = {a: NONZERO[sid].get(a, 0) for a in cells}
    assert got == want
    assert all(ex.tables.cells[a].line for a in cells), "every cell keeps its source line"


def test_seed_001_keeps_the_2019_row_apart():
    ex = extract(load_path(seed("001"))[0])
    assert ex.tables.value("t2_2019.art20_5.other_admin_services.decisions") == 0
    assert ex.tables.cells["t2_2019.art20_5.other_admin_services.decisions"].line == 82
    assert ex.template == "hybrid"


@pytest.mark.parametrize("sid", sorted(FINDINGS))
def test_seed_deterministic_findings(sid):
    review = review_bytes(seed(sid).read_bytes(), seed(sid).name)
    assert {(f.rule, f.location.line) for f in review.findings} == FINDINGS[sid]
    assert all(f.source == "rule" and f.message for f in review.findings)


@pytest.mark.parametrize("sid", sorted(META))
def test_seed_metadata(sid):
    review = review_bytes(seed(sid).read_bytes(), seed(sid).name)
    r = review.report
    assert (r.issuer, r.year, r.template, r.period.start, r.signed_on) == META[sid]
    assert list(r.parts) == ["一", "二", "三", "四", "五", "六"]


def test_seed_verdicts():
    verdicts = {sid: review_bytes(seed(sid).read_bytes(), sid).verdict for sid in META}
    assert verdicts == {"000": "pass", "001": "fail", "002": "fail", "003": "pass", "004": "pass"}
