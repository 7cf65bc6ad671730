"""The narrative review without an LLM: aspects and findings on the five seeds (spec §6.2), one
synthetic case per rule, precision on a clean report, and the wiring (make_reviewer, --no-llm)."""

import copy
import json
import subprocess
import sys

import pytest
from conftest import seed
from report_builder import CLEAN_NARRATIVE, build_report, replace
from typer.testing import CliRunner

from extractors.extract import extract
from extractors.load import load_path
from nianbao.claims import regex_claims
from nianbao.cli import app
from nianbao.config import Config
from nianbao.narrative import make_reviewer
from nianbao.narrative.heuristic import heuristic_review
from nianbao.review import review_bytes
from nianbao.rules import REGISTRY

# (rule, line) of every heuristic finding. 001's results sentence (L54 「…2022年我镇未出现此类情况」)
# covers 责任追究 only: partial, not missing. 004 is a 管委会, so no 考核/评议/追究 results are required.
EXPECTED = {
    "000": {("assessment-results-missing", 11), ("section5-weak", 390)},
    "001": {("boilerplate-text", 11)},
    "002": {("assessment-results-missing", 12)},
    "003": {("typo", 7), ("assessment-results-missing", 13)},
    "004": {("typo", 6), ("scope-unclear", 11), ("boilerplate-text", 11)},
}
OVERVIEW = dict.fromkeys(
    ("proactive", "on_request", "info_management", "platforms", "supervision"), "covered"
)
FIVE = {"problems": "covered", "measures": "covered", "rectification": "missing"}
SIX = dict.fromkeys(("fee", "key_tasks", "proposals", "innovation"), "covered")
ASPECTS = {
    "000": {**OVERVIEW, "assessment_results": "missing", **FIVE, "problems": "partial", **SIX},
    "001": {**OVERVIEW, "assessment_results": "partial", **FIVE, **SIX, "fee": "partial"},
    "002": {
        **OVERVIEW,
        "assessment_results": "missing",
        **FIVE,
        **SIX,
        "key_tasks": "missing",
        "proposals": "missing",
        "innovation": "missing",
    },
    "003": {**OVERVIEW, "assessment_results": "missing", **FIVE, **SIX, "proposals": "partial"},
    "004": {**OVERVIEW, **FIVE, **SIX, "fee": "partial", "proposals": "partial"},
}


def review(data: bytes, name: str = "r.txt"):
    return review_bytes(data, name, narrative=heuristic_review)


def narrative_findings(r):
    return {(f.rule, f.location.line) for f in r.findings if f.source == "heuristic"}


@pytest.mark.parametrize("sid", sorted(EXPECTED))
def test_seed_findings(sid):
    r = review(seed(sid).read_bytes(), seed(sid).name)
    assert narrative_findings(r) == EXPECTED[sid]
    assert r.narrative.method == "heuristic"
    assert {a.aspect: a.status for a in r.narrative.aspects} == ASPECTS[sid]


@pytest.mark.parametrize("sid", sorted(EXPECTED))
def test_seed_block_and_deterministic_findings_untouched(sid):
    data = seed(sid).read_bytes()
    plain = review_bytes(data, seed(sid).name)
    r = review(data, seed(sid).name)
    assert [f for f in r.findings if f.source == "rule"] == plain.findings
    # only rules the narrative review owns or shares (D+L): never fee, part 六 items or table numbers again
    assert all(
        REGISTRY[f.rule].check is None or REGISTRY[f.rule].detection == "D+L"
        for f in r.findings
        if f.source == "heuristic"
    )
    sentences = [s for s in r.narrative.summary.split("。") if s]
    assert 2 <= len(sentences) <= 3


def test_claims_are_the_regex_claims():
    ex = extract(load_path(seed("004"))[0])
    narrative, _ = heuristic_review(ex, Config())
    assert narrative.claims == regex_claims(ex.narrative)
    assert {(c.metric, c.value) for c in narrative.claims} == {
        ("new_received", 26),
        ("review", 0),
        ("carried_forward", 0),
    }


def test_clean_report_has_no_narrative_findings():
    r = review(build_report().encode())
    assert narrative_findings(r) == set()
    assert all(
        a.status == "covered" for a in r.narrative.aspects if a.part != "五" or a.aspect != "rectification"
    )


def test_overview_aspect_missing():
    n = copy.deepcopy(CLEAN_NARRATIVE)
    n["一"] = [p for p in n["一"] if "平台" not in p]
    r = review(build_report(narrative=n).encode())
    [f] = [f for f in r.findings if f.source == "heuristic"]
    assert (f.rule, f.severity, f.part) == ("overview-aspect-missing", "warning", "一")
    assert "政府信息公开平台建设" in f.message


def test_section5_empty_is_weak():
    n = copy.deepcopy(CLEAN_NARRATIVE)
    n["五"] = ["无。"]
    r = review(build_report(narrative=n).encode())
    [f] = [f for f in r.findings if f.source == "heuristic"]
    assert (f.rule, f.severity) == ("section5-weak", "info")
    assert "没有列出存在的问题" in f.message and "没有改进措施" in f.message


@pytest.mark.parametrize(
    "sentence, missing",
    [
        ("2024年，政府信息公开工作无社会评议和责任追究结果情况。", False),
        ("年度政务公开考核结果为优秀，未发生社会评议和责任追究情况。", False),
        ("建立健全政府信息公开考核评议制度和责任追究制度。", True),  # systems, not results (spec §2.2)
    ],
)
def test_assessment_results_of_a_peoples_government(sentence, missing):
    text = build_report().replace("淄博经济开发区管理委员会", "某某县某某镇人民政府")
    text = replace(text, "2024年，政府信息公开工作无社会评议和责任追究结果情况。", sentence)
    r = review(text.encode())
    assert ("assessment-results-missing" in {f.rule for f in r.findings}) is missing


def test_a_missing_part_is_left_to_the_deterministic_rule():
    text = build_report()
    start, end = text.index("一、总体情况"), text.index("二、主动公开政府信息情况")
    r = review((text[:start] + text[end:]).encode())
    assert "missing-part" in {f.rule for f in r.findings}
    assert not any(f.rule == "overview-aspect-missing" for f in r.findings)


def test_make_reviewer_without_configuration_is_the_heuristic(monkeypatch):
    assert make_reviewer() is heuristic_review
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert make_reviewer(no_llm=True) is heuristic_review


def test_cli_no_llm_json():
    result = CliRunner().invoke(app, ["review", str(seed("000")), "--no-llm", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["narrative"]["method"] == "heuristic"
    assert {f["rule"] for f in data["findings"] if f["source"] == "heuristic"} == {
        "assessment-results-missing",
        "section5-weak",
    }


def test_importing_the_cli_and_the_heuristic_leaves_langchain_alone():
    code = (
        "import sys, nianbao.cli; from nianbao.narrative import make_reviewer; make_reviewer(no_llm=True); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('langchain_core', 'langchain_openai', 'openai')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
