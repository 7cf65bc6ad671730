"""Narrative numbers (spec §4.4) are claims only when the words around them name the metric: the
count of the metric's own object, never of items published about it, never a fixed phrase — and
the sums and stocks the narrative states (予以公开及部分公开, 现行有效规范性文件) are compared too."""

import pytest
from report_builder import build_report, clean_values, replace

from extractors.document import Paragraph
from nianbao.claims import regex_claims
from nianbao.review import review_bytes

# the clean report's paragraph on requests; every case adds one sentence after it
ON_REQUEST = "全部依法依规予以办理。"


def claims(sentence: str) -> set[tuple[str, int]]:
    return {(c.metric, c.value) for c in regex_claims([Paragraph(text=sentence, line=1)])}


def mismatches(sentence: str, values: dict | None = None) -> list[str]:
    text = replace(build_report(values), ON_REQUEST, ON_REQUEST + sentence)
    return [
        f.message
        for f in review_bytes(text.encode(), "r.txt").findings
        if f.rule == "narrative-table-mismatch"
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "坚持收到申请后做到“三个第一时间”：第一时间登记受理、第一时间转办、第一时间回复。",
        "受理申请时落实“两个确保”，确保按时答复、确保答复规范。",
    ],
)
def test_a_fixed_phrase_is_not_a_count_of_applications(sentence):
    assert not {m for m, _ in claims(sentence)} & {"new_received", "done"}
    assert mismatches(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "在网站公开行政许可类信息40条、行政处罚类信息12条。",
        "主动公开行政许可信息40条。",
        "在双公示专栏公示行政许可40件。",
    ],
)
def test_items_published_about_decisions_are_not_decisions(sentence):
    assert not {m for m, _ in claims(sentence)} & {"admin_licensing", "admin_penalty"}
    assert mismatches(sentence) == []


def test_applications_of_another_kind_are_not_information_requests():
    assert claims("收到因政府信息公开申请引发的行政复议申请2件。") == {("review", 2)}
    assert claims("政务服务中心共受理办件申请12000件。") == set()


@pytest.mark.parametrize(
    "sentence, metric, value",
    [
        ("全年共收到政府信息公开申请21件。", "new_received", 21),
        ("共受理依申请公开21件。", "new_received", 21),
        ("全年作出行政许可决定18000件。", "admin_licensing", 18000),
    ],
)
def test_the_metric_named_by_its_own_words_is_a_claim(sentence, metric, value):
    assert (metric, value) in claims(sentence)


def test_decisions_stated_differently_from_the_table_are_a_mismatch():
    [message] = mismatches("全年作出行政许可决定18000件。")
    assert "18000" in message and "行政许可" in message and "18227" in message


def test_normative_documents_in_force_against_table_two():
    values = clean_values()
    values["t2.art20_1.normative_documents.in_force"] = 470
    [message] = mismatches("截至年底，现行有效的行政规范性文件393件。", values)
    assert "现行有效" in message and "393" in message and "470" in message
    assert mismatches("截至年底，现行有效的行政规范性文件470件。", values) == []


def test_granted_and_partly_granted_are_compared_with_their_sum():
    # clean tables: 予以公开 12 + 部分公开 10 = 22
    [message] = mismatches("其中予以公开及部分公开20件。")
    assert "20" in message and "（一）予以公开" in message and "（二）部分公开" in message
    assert "12" in message and "10" in message and "合计 22" in message
    assert mismatches("其中予以公开和部分公开共22件。") == []


def test_granted_alone_is_compared_when_it_is_about_applications():
    [message] = mismatches("办结的申请中予以公开11件。")
    assert "11" in message and "（一）予以公开" in message and "为 12" in message
    assert claims("对群众关注的事项予以公开120件。") == set()  # not application outcomes
