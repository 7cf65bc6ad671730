"""Part 五: improvement measures that start inside a paragraph — after an inline sub-heading, a
「下一步」, 「以下措施/工作」 or 「将…改进」 followed by items or actions — are measures (section5-weak)."""

import copy

import pytest
from report_builder import CLEAN_NARRATIVE, build_report

from nianbao.narrative.heuristic import heuristic_review
from nianbao.review import review_bytes

PROBLEMS = "一是网站部分栏目更新不及时；二是政策解读形式较为单一。"


def part5(five: list[str]):
    n = copy.deepcopy(CLEAN_NARRATIVE)
    n["五"] = five
    r = review_bytes(build_report(narrative=n).encode(), "r.txt", narrative=heuristic_review)
    aspects = {a.aspect: a.status for a in r.narrative.aspects if a.part == "五"}
    return aspects, [f.message for f in r.findings if f.rule == "section5-weak"]


@pytest.mark.parametrize(
    "five",
    [
        [
            "（一）存在的主要问题：" + PROBLEMS,
            "（二）改进措施：一是完善栏目更新机制，明确专人定期检查。二是丰富政策解读形式，增加图解解读。",
        ],
        [
            PROBLEMS
            + "针对存在问题，下一步将采取以下措施加以改进。一是完善栏目更新机制。二是丰富政策解读形式。"
        ],
        [PROBLEMS + "下一步，将做好改进，明确专人定期检查栏目内容，增加图解和视频解读。"],
        [PROBLEMS + "2025年，将切实抓好以下工作：一是完善栏目更新机制；二是丰富政策解读形式。"],
    ],
)
def test_measures_inside_a_paragraph(five):
    aspects, weak = part5(five)
    assert (aspects["problems"], aspects["measures"]) == ("covered", "covered")
    assert weak == []


@pytest.mark.parametrize(
    "five",
    [
        ["主要存在以下几个方面的问题：" + PROBLEMS],  # 「以下…方面」 introduces problems, not measures
        [PROBLEMS + "下一步将进一步加强。"],  # a marker without anything concrete
    ],
)
def test_no_concrete_measures_is_weak(five):
    aspects, [message] = part5(five)
    assert aspects["measures"] == "missing"
    assert "没有改进措施" in message
