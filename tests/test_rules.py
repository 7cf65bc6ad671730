"""Every deterministic rule: a case that makes it fire, and silence on the clean report.

Cases are data (one mutation of the clean report each), run by two parametrized tests — the way
sqlfluff keeps its rule cases."""

import re

import pytest
from report_builder import CLEAN_NARRATIVE, LEGACY_REPORT, build_report, build_report_2019, clean_values, replace

from extractors.extract import extract
from extractors.text_loader import load_text
from nianbao.review import review_bytes
from nianbao.rules import REGISTRY


def values_with(**changes):
    values = clean_values()
    values.update({k.replace("__", "."): v for k, v in changes.items()})
    return values


def _without_t4(text):
    return re.sub(r"(四、政府信息公开行政复议、行政诉讼情况\n).*?(\n五、)", r"\1\2", text, flags=re.S)


def _five_after_six(text):
    """Part 五, heading and content, moved after part 六 — the content stays under its heading."""
    head, rest = text.split("五、存在的主要问题及改进情况\n", 1)
    five, six = rest.split("六、其他需要报告的事项\n", 1)
    body, signature = six.rsplit("淄博经济开发区管理委员会\n", 1)
    return head + "六、其他需要报告的事项\n" + body + "五、存在的主要问题及改进情况\n" + five + "淄博经济开发区管理委员会\n" + signature


def _previous(text_2023):
    return extract(load_text(text_2023))


PREV_2023 = build_report(values_with(t3__carried_forward__total=2, t3__carried_forward__natural_person=2,
                                     t3__new_received__total=28, t3__new_received__natural_person=28)
                         ).replace("2024", "2023").replace("2025年1月20日", "2024年1月20日")
PREV_IN_FORCE = build_report(values_with(t2__art20_1__normative_documents__in_force=10)).replace("2024", "2023")

# rule id -> (report text, previous-year report text or None, expected severity)
CASES = {
    "missing-part": (replace(build_report(), "五、存在的主要问题及改进情况\n", ""), None, "error"),
    "part-order": (_five_after_six(build_report()), None, "warning"),
    "part-heading-nonstandard": (replace(build_report(), "六、其他需要报告的事项", "其它需要报告的事项"), None, "warning"),
    "table-missing": (_without_t4(build_report()), None, "error"),
    "outdated-template": (build_report_2019(2024), None, "error"),
    "template-hybrid-row": (replace(build_report(), "\t行政处罚\n", "\t其他对外管理服务事项\n\t0\n\n\t行政处罚\n"), None, "warning"),
    "legacy-structure": (LEGACY_REPORT, None, "error"),
    "nonstandard-table-rows": (replace(build_report(), "\t行政处罚\n", "\t其他主动公开文件\n\t7\n\n\t行政处罚\n"), None, "info"),
    "blank-or-placeholder-cells": (build_report(values_with(t4__review__total=None)), None, "warning"),
    "t3-balance-mismatch": (build_report(values_with(t3__carried_over__natural_person=1, t3__carried_over__total=1)), None, "error"),
    "t3-row-total-mismatch": (build_report(values_with(t3__carried_over__natural_person=1)), None, "error"),
    "t3-results-total-mismatch": (build_report(values_with(t3__np_repeat__natural_person=1, t3__np_repeat__total=1)), None, "error"),
    "t4-group-total-mismatch": (build_report(values_with(t4__litigation_direct__pending=1)), None, "error"),
    "invalid-number": (replace(build_report(), "\t202\n", "\t二百零二\n"), None, "error"),
    "typo": (replace(build_report(), "2.其他法律行政法规禁止公开", "2.其他法律行政止公开"), None, "info"),
    "tables-all-zero": (build_report({k: 0 for k in clean_values()}).replace("淄博经济开发区管理委员会", "齐都镇人民政府").replace("26件", "0件"), None, "info"),
    "t2-in-force-zero": (build_report(values_with(t2__art20_1__normative_documents__issued=3)), None, "info"),
    "t2-fee-unit-suspect": (build_report(values_with(t2__art20_8__admin_fees__amount_10k_yuan=2510000)), None, "info"),
    "title-nonstandard": (replace(build_report(), "淄博经济开发区管理委员会\n2024年政府信息公开工作年度报告", "2024年政府信息公开工作年度报告"), None, "warning"),
    "statistics-period-missing": (replace(build_report(), "本年度报告中所列数据统计期限从2024年1月1日到2024年12月31日。", ""), None, "warning"),
    "statistics-period-wrong": (replace(build_report(), "从2024年1月1日到2024年12月31日", "从2023年1月1日到2023年12月31日"), None, "error"),
    "report-date-invalid": (replace(build_report(), "2025年1月20日", "2024年1月10日"), None, "error"),
    "report-published-late": (replace(build_report(), "2025年1月20日", "2025年2月15日"), None, "warning"),
    "report-date-missing": (replace(build_report(), "淄博经济开发区管理委员会\n2025年1月20日\n", ""), None, "info"),
    "vague-time-reference": (replace(build_report(), "截至2024年12月31日", "截至目前"), None, "info"),
    "narrative-table-mismatch": (replace(build_report(), "受理政府信息公开申请26件", "受理政府信息公开申请25件"), None, "warning"),
    "personal-info-exposed": (replace(build_report(), "年内组织召开", "联系人王某，手机13812345678。年内组织召开"), None, "error"),
    "contact-info-malformed": (replace(build_report(), "邮编：255000", "邮编：2550001"), None, "info"),
    "fee-statement-missing": (replace(build_report(), "（一）依据《政府信息公开信息处理费管理办法》收取信息处理费的情况：本年度未收取信息处理费。\n", ""), None, "error"),
    "fee-statement-vague": (replace(build_report(), "本年度未收取信息处理费。", "无。"), None, "info"),
    "fee-row-conflict": (build_report(values_with(t3__oh_fee_unpaid__natural_person=2, t3__oh_fee_unpaid__total=2,
                                                  t3__results_total__natural_person=28, t3__results_total__total=28,
                                                  t3__new_received__natural_person=28, t3__new_received__total=28)
                                      ).replace("申请26件", "申请28件"), None, "warning"),
    "section6-items-missing": (re.sub(r"（二）本年度建议提案.*?\n淄博", "淄博", build_report(), flags=re.S), None, "warning"),
    "section6-item-empty": (replace(build_report(), "本年度未承办人大代表建议和政协提案。", "无"), None, "info"),
    "truncated-sentence": (replace(build_report(), "基层政务公开工作人员力量薄弱。", "基层政务公开工作人员力量薄弱"), None, "info"),
    "conversion-artifact": (replace(build_report(), "五、存在的主要问题", "[bookmark: _GoBack]五、存在的主要问题"), None, "info"),
    "cross-year-carryover-mismatch": (build_report(), PREV_2023, "warning"),
    "cross-year-in-force-mismatch": (build_report(), PREV_IN_FORCE, "info"),
    "copy-paste-previous-year": (build_report(), PREV_2023, "warning"),
}

DETERMINISTIC = sorted(r.id for r in REGISTRY.values() if r.check is not None)

# What else a case rightly fires; every other case fires its rule alone.
ALSO = {
    "outdated-template": {"fee-statement-missing", "section6-items-missing"},  # 2019 format has no 2021 part 六
    "legacy-structure": {"part-heading-nonstandard", "report-date-missing", "statistics-period-missing"},
    "t3-row-total-mismatch": {"t3-balance-mismatch"},  # the changed cell also unbalances its column
    "cross-year-carryover-mismatch": {"copy-paste-previous-year"},  # last year's text is this year's
    "cross-year-in-force-mismatch": {"copy-paste-previous-year"},
    "copy-paste-previous-year": {"cross-year-carryover-mismatch"},
}


def test_every_deterministic_rule_has_a_case():
    assert sorted(CASES) == DETERMINISTIC


@pytest.mark.parametrize("rule_id", DETERMINISTIC)
def test_rule_fires(rule_id):
    text, previous, severity = CASES[rule_id]
    review = review_bytes(text.encode(), f"{rule_id}.txt", previous=_previous(previous) if previous else None)
    hits = [f for f in review.findings if f.rule == rule_id]
    assert hits, f"{rule_id} did not fire; got {[f.rule for f in review.findings]}"
    assert {f.rule for f in review.findings} - {rule_id} == ALSO.get(rule_id, set())
    assert severity in {h.severity for h in hits}
    assert all(h.message and h.source == "rule" for h in hits)


# A previous year that agrees with the clean report: nothing carried forward, the same stock in
# force, and its own wording.
PREV_OK = build_report(narrative={
    **CLEAN_NARRATIVE,
    "title": ["淄博经济开发区管理委员会", "2023年政府信息公开工作年度报告"],
    "front": CLEAN_NARRATIVE["front"].replace("2024", "2023"),
    "一": ["2023年，管委会围绕重点领域推进政务公开，完善依申请公开办理流程，加强平台建设和监督考核。"],
    "五": ["网站栏目设置不够合理，下一步将优化栏目、充实内容。"],
    "六": ["（一）信息处理费：2023年未收取信息处理费。", "（二）建议提案：承办人大代表建议2件，均已公开办理结果。"],
    "signature": ["淄博经济开发区管理委员会", "2024年1月18日"],
})


@pytest.mark.parametrize("rule_id", DETERMINISTIC)
def test_rule_silent_on_clean_report(rule_id):
    review = review_bytes(build_report().encode(), "clean.txt", previous=_previous(PREV_OK))
    assert [f for f in review.findings if f.rule == rule_id] == []


def test_2019_format_for_2020_is_not_outdated():
    review = review_bytes(build_report_2019(2020).encode(), "2020.txt")
    assert review.report.template == "2019"
    assert "outdated-template" not in {f.rule for f in review.findings}
    assert review.findings == [], [f.message for f in review.findings]
    assert review.tables["t2_2019"]["art20_9"]["gov_procurement"]["procurement_amount"] == 120.5
    assert review.tables["t2"]["art20_5"]["admin_licensing"]["decisions"] == 18227
    assert review.tables["t3_groups"]["other_handling"]["total"] == 0


def test_2019_format_for_2024_is_outdated():
    review = review_bytes(build_report_2019(2024).encode(), "2024.txt")
    errors = {f.rule for f in review.findings if f.severity == "error"}
    assert "outdated-template" in errors
    assert review.verdict == "fail"


def test_a_title_is_not_a_truncated_sentence():
    review = review_bytes(LEGACY_REPORT.encode(), "legacy.txt")
    assert "truncated-sentence" not in {f.rule for f in review.findings}


def test_a_part6_item_stated_in_one_sentence_is_not_empty():
    text = replace(build_report(), "（二）本年度建议提案办理情况：本年度未承办人大代表建议和政协提案。", "（二）本年度未承办人大代表建议和政协提案。")
    assert review_bytes(text.encode(), "x.txt").findings == []


def test_fees_charged_with_count_and_amount_do_not_conflict_with_the_table():
    """「200元」 is an amount, not 「0元」: no false fee-row-conflict (S-FEE-ROW)."""
    text = build_report(values_with(t3__oh_fee_unpaid__natural_person=1, t3__oh_fee_unpaid__total=1,
                                    t3__results_total__natural_person=27, t3__results_total__total=27,
                                    t3__new_received__natural_person=27, t3__new_received__total=27))
    text = replace(text.replace("申请26件", "申请27件"), "本年度未收取信息处理费。",
                   "本年度发出收费通知3件，通知金额300元，实际收取信息处理费200元。")
    assert review_bytes(text.encode(), "x.txt").findings == []


def test_a_note_right_after_a_table_is_text_not_a_cell():
    text = replace(build_report(), "\n\n五、存在的主要问题", "\n注：以上数据统计截至2024年12月31日。\n[bookmark: _GoBack]五、存在的主要问题")
    rules = {f.rule for f in review_bytes(text.encode(), "x.txt").findings}
    assert rules == {"conversion-artifact"}


@pytest.mark.parametrize("issuer, level", [
    ("临淄区齐都镇人民政府", "township"), ("临淄区金岭回族镇", "township"), ("淄博市", "county-or-above"),
    ("沂源县人民政府", "county-or-above"), ("临淄区人民政府办公室", None), ("淄博经济开发区管理委员会", None),
])
def test_people_government_and_its_deadline_agree(issuer, level):
    from datetime import date

    from extractors.metadata import government_level
    from nianbao.config import Config
    from nianbao.rules.date_rules import deadline_for

    assert government_level(issuer) == level
    assert deadline_for(issuer, 2024, Config()) == (date(2025, 3, 31) if level == "county-or-above" else date(2025, 1, 31))


def test_previous_of_another_body_or_year_is_ignored():
    other_body = _previous(PREV_2023.replace("淄博经济开发区管理委员会", "某县人民政府"))
    same_year = _previous(build_report())
    for previous in (other_body, same_year):
        rules = {f.rule for f in review_bytes(build_report().encode(), "x.txt", previous=previous).findings}
        assert not rules & {"copy-paste-previous-year", "cross-year-carryover-mismatch", "cross-year-in-force-mismatch"}


@pytest.mark.parametrize("items, fires", [
    ("一是个别单位信息更新不及时、发布不规范；三是基层政务公开工作人员力量薄弱。", True),  # skipped
    ("一是个别单位信息更新不及时；二是发布不规范；二是基层政务公开工作人员力量薄弱。", True),  # repeated
    ("一是个别单位信息更新不及时、发布不规范；二是基层政务公开工作人员力量薄弱。", False),
    ("统一是基础，个别单位信息更新不及时；二是人员力量薄弱。", False),  # no enumeration starts at 一
])
def test_an_enumeration_whose_ordinals_skip_or_repeat_is_a_typo(items, fires):
    text = replace(build_report(), "一是个别单位信息更新不及时、发布不规范；二是基层政务公开工作人员力量薄弱。", items)
    hits = [f for f in review_bytes(text.encode(), "r.txt").findings if f.rule == "typo" and f.source == "rule"]
    assert bool(hits) == fires
    if fires:
        assert hits[0].part == "五" and "不连续或重复" in hits[0].message


@pytest.mark.parametrize("old, new", [
    ("\t行政许可\n", "\t行政许诃\n"),  # 表二: the block's row it resembles
    ("\t2.其他法律行政法规禁止公开\n", "\t2.其他法律行政止公开\n"),  # 表三: the row its place leaves
])
def test_a_misspelt_table_label_keeps_its_row_and_is_reported(old, new):
    clean = review_bytes(build_report().encode(), "clean.txt")
    review = review_bytes(replace(build_report(), old, new).encode(), "typo.txt")
    assert review.tables == clean.tables
    assert [f.evidence for f in review.findings] == [new.strip()]
    assert review.findings[0].rule == "typo" and review.findings[0].source == "rule"
