"""What the rule cases (tests/rule_cases/*.yml, test_rule_cases.py) cannot say: how the 2019
format is read, which deadline a body has, and that a misspelt label keeps its row."""

import pytest
from report_builder import build_report, build_report_2019, replace

from nianbao.review import review_bytes


def test_the_2019_format_is_read_in_its_own_cells():
    review = review_bytes(build_report_2019(2020).encode(), "2020.txt")
    assert review.report.template == "2019"
    assert review.tables["t2_2019"]["art20_9"]["gov_procurement"]["procurement_amount"] == 120.5
    assert review.tables["t2"]["art20_5"]["admin_licensing"]["decisions"] == 18227
    assert review.tables["t3_groups"]["other_handling"]["total"] == 0


@pytest.mark.parametrize(
    "issuer, level",
    [
        ("临淄区齐都镇人民政府", "township"),
        ("临淄区金岭回族镇", "township"),
        ("淄博市", "county-or-above"),
        ("沂源县人民政府", "county-or-above"),
        ("临淄区人民政府办公室", None),
        ("淄博经济开发区管理委员会", None),
    ],
)
def test_people_government_and_its_deadline_agree(issuer, level):
    from datetime import date

    from extractors.metadata import government_level
    from nianbao.config import Config
    from nianbao.rules.date_rules import deadline_for

    assert government_level(issuer) == level
    assert deadline_for(issuer, 2024, Config()) == (
        date(2025, 3, 31) if level == "county-or-above" else date(2025, 1, 31)
    )


@pytest.mark.parametrize(
    "old, new",
    [
        ("\t行政许可\n", "\t行政许诃\n"),  # 表二: the block's row it resembles
        ("\t2.其他法律行政法规禁止公开\n", "\t2.其他法律行政止公开\n"),  # 表三: the row its place leaves
    ],
)
def test_a_misspelt_table_label_keeps_its_row_and_is_reported(old, new):
    clean = review_bytes(build_report().encode(), "clean.txt")
    review = review_bytes(replace(build_report(), old, new).encode(), "typo.txt")
    assert review.tables == clean.tables
    assert [f.evidence for f in review.findings] == [new.strip()]
    assert review.findings[0].rule == "typo" and review.findings[0].source == "rule"
