"""Every rule documents itself in the same fixed Chinese sections, and the generated docs (the
README's rule table, the spec's catalogue §6.1) are what the registry gives now."""

import dataclasses
import shutil
from typing import get_args

import gen_docs
import pytest

from nianbao.models import Severity
from nianbao.rules import REGISTRY
from nianbao.rules.registry import SECTIONS, Detection, Part

RULES = sorted(REGISTRY)


@pytest.mark.parametrize("rule_id", RULES)
def test_every_rule_has_its_four_sections(rule_id):
    rule = REGISTRY[rule_id]
    assert rule.summary
    assert list(rule.sections) == list(SECTIONS), f"{rule_id}: sections {list(rule.sections)}"
    assert all(rule.sections.values()), f"{rule_id}: an empty section"
    assert rule.doc.split("\n", 1)[1].strip().startswith("做什么："), f"{rule_id}: text outside the sections"


@pytest.mark.parametrize("rule_id", RULES)
def test_every_rule_is_typed_and_points_at_the_spec(rule_id):
    rule = REGISTRY[rule_id]
    assert rule.severity in get_args(Severity)
    assert rule.detection in get_args(Detection)
    assert rule.part is None or rule.part in get_args(Part)
    assert rule.spec.startswith("§")


def test_the_committed_docs_are_generated_from_the_registry():
    assert gen_docs.stale() == [], "run scripts/gen_docs.py"


@pytest.fixture
def docs_copy(tmp_path):
    for name in gen_docs.BLOCKS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(gen_docs.ROOT / name, tmp_path / name)
    return tmp_path


def test_a_hand_edited_table_is_stale(docs_copy):
    readme = docs_copy / "README.md"
    summary = REGISTRY["t3-balance-mismatch"].summary
    readme.write_text(
        readme.read_text(encoding="utf-8").replace(summary, summary + "（手改）"), encoding="utf-8"
    )
    assert gen_docs.stale(docs_copy) == ["README.md"]


def test_a_rule_doc_changed_without_regenerating_is_stale(docs_copy, monkeypatch):
    rule = REGISTRY["t3-balance-mismatch"]
    summary = rule.doc.replace(rule.summary, rule.summary + "（改）", 1)
    monkeypatch.setitem(REGISTRY, rule.id, dataclasses.replace(rule, doc=summary))
    assert gen_docs.stale(docs_copy) == ["README.md", "docs/annual-report-format.md"]
    example = rule.doc.replace("示例：", "示例：另一例；", 1)  # only the catalogue shows examples
    monkeypatch.setitem(REGISTRY, rule.id, dataclasses.replace(rule, doc=example))
    assert gen_docs.stale(docs_copy) == ["docs/annual-report-format.md"]
    gen_docs.write(docs_copy)
    assert gen_docs.stale(docs_copy) == []
