"""Every rule case of tests/rule_cases/<rule id>.yml, run by one parametrized test the way sqlfluff
runs its YAML rule cases: a failing case makes its rule fire with the severity, the other rules
and the message it names; a passing case keeps it silent. Adding a rule is one function and one
YAML file: the tests below find both by the rule's id."""

import pytest
from report_builder import CLEAN_NARRATIVE, build_report
from rule_case_loader import CASES_DIR, all_cases

from extractors.extract import extract
from extractors.text_loader import load_text
from nianbao.config import Config
from nianbao.review import review_bytes
from nianbao.rules import REGISTRY

CASES = all_cases()
DETERMINISTIC = sorted(r.id for r in REGISTRY.values() if r.check is not None)


def _review(data, name="case.txt", previous=None, config=None):
    return review_bytes(
        data,
        name,
        config=Config(**(config or {})),
        previous=extract(load_text(previous)) if previous is not None else None,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(case):
    review = _review(case.data, case.filename, case.previous, case.config)
    hits = [f for f in review.findings if f.rule == case.rule]
    assert {f.rule for f in review.findings} - {case.rule} == case.others, [
        f.message for f in review.findings
    ]
    if not case.fires:
        assert hits == []
        return
    assert hits, f"{case.rule} did not fire"
    assert case.severity in {h.severity for h in hits}
    assert all(h.message and h.source == "rule" for h in hits)
    if case.message is not None:
        assert hits[0].message == case.message
    if case.message_contains is not None:
        assert case.message_contains in hits[0].message
    if case.part is not None:
        assert {h.part for h in hits} == {case.part}


def test_every_deterministic_rule_has_a_failing_case():
    failing = {c.rule for c in CASES if c.fires}
    assert [r for r in DETERMINISTIC if r not in failing] == []


def test_every_case_file_names_a_rule():
    assert [p.name for p in CASES_DIR.glob("*.yml") if p.stem not in REGISTRY] == []


def test_rules_of_the_narrative_review_have_an_eval_case():
    """They have no check to run here: their findings come from the LLM (or the heuristic), so
    each is tested by its eval case, eval/cases/rule-<id>, against replayed answers."""
    eval_cases = CASES_DIR.parents[1] / "eval" / "cases"
    narrative = [r.id for r in REGISTRY.values() if r.check is None]
    assert narrative and [r for r in narrative if not (eval_cases / f"rule-{r}").is_dir()] == []


# A previous year that agrees with the clean report: nothing carried forward, the same stock in
# force, and its own wording.
PREV_OK = build_report(
    narrative={
        **CLEAN_NARRATIVE,
        "title": ["淄博经济开发区管理委员会", "2023年政府信息公开工作年度报告"],
        "front": CLEAN_NARRATIVE["front"].replace("2024", "2023"),
        "一": ["2023年，管委会围绕重点领域推进政务公开，完善依申请公开办理流程，加强平台建设和监督考核。"],
        "五": ["网站栏目设置不够合理，下一步将优化栏目、充实内容。"],
        "六": [
            "（一）信息处理费：2023年未收取信息处理费。",
            "（二）建议提案：承办人大代表建议2件，均已公开办理结果。",
        ],
        "signature": ["淄博经济开发区管理委员会", "2024年1月18日"],
    }
)


@pytest.mark.parametrize("rule_id", DETERMINISTIC)
def test_rule_silent_on_clean_report(rule_id):
    review = _review(build_report().encode(), previous=PREV_OK)
    assert [f for f in review.findings if f.rule == rule_id] == []
