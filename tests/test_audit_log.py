"""A disputed production review becomes an eval case: ``nianbao eval --from-review ID --input
REPORT`` takes the model's answers from the store's audit log, and the eval replays them exactly
as production received them — the same requests, the same findings."""

from __future__ import annotations

import json

from conftest import seed
from fake_openai import FakeOpenAI, covering_answer
from typer.testing import CliRunner

from bot.store import Store
from eval.cases import load_case
from eval.runner import run
from nianbao.cli import app
from nianbao.narrative.llm_review import LLMReviewer
from nianbao.narrative.settings import LLMSettings
from nianbao.review import review_bytes


def production_review(db: str) -> tuple[int, object]:
    def answer(request):  # covered, plus one observation, as a model might say
        return covering_answer(request) | {
            "observations": [
                {"rule": "typo", "quote": "经开区管委员会", "message": "「管委员会」应为「管委会」"}
            ]
        }

    with FakeOpenAI(default=answer) as fake:
        reviewer = LLMReviewer(LLMSettings(model="deepseek-flash", base_url=fake.base_url, api_key="k"))
        review = review_bytes(seed("004").read_bytes(), seed("004").name, narrative=reviewer)
    store = Store(db)
    review_id = store.create("file:C1:F1", kind="file", channel="C1")
    store.save_review(review_id, review)
    store.close()
    return review_id, review


def nianbao_eval(*args):
    return CliRunner().invoke(app, ["eval", *map(str, args)])


def test_a_stored_review_becomes_a_case_that_replays_production(tmp_path):
    db = f"sqlite:///{tmp_path / 'bot.sqlite'}"
    review_id, review = production_review(db)
    cases = tmp_path / "cases"
    result = nianbao_eval("--from-review", review_id, "--input", seed("004"), "--db", db, "--cases", cases)
    assert result.exit_code == 0, result.output
    assert f"已写入用例 {cases / f'review-{review_id}'}" in result.output
    case = load_case(cases / f"review-{review_id}")
    assert case.model == "deepseek-flash" and case.input.read_bytes() == seed("004").read_bytes()
    [entry] = case.recordings.values()
    assert (
        entry["source"] == "deepseek-flash" and entry["note"] == f"recorded in production, review {review_id}"
    )
    # labels: a draft of the model's judgement, not scored until a person has checked them
    assert case.labels.reviewed is False and ("typo", "一", 6) in {f.key for f in case.labels.findings}
    [outcome] = run([case])
    assert outcome.missing == [] and outcome.error is None
    produced = sorted((f.rule, f.location.line) for f in review.findings if f.source == "llm")
    assert sorted((f["rule"], f["line"]) for f in outcome.judged["findings"]) == produced
    assert nianbao_eval("--cases", cases, "--update-golden").exit_code == 0
    assert "评测通过：1 个用例全部与金标准一致" in nianbao_eval("--cases", cases).output


def test_the_report_must_be_the_reviewed_file(tmp_path):
    db = f"sqlite:///{tmp_path / 'bot.sqlite'}"
    review_id, _ = production_review(db)
    result = nianbao_eval("--from-review", review_id, "--input", seed("001"), "--db", db, "--cases", tmp_path)
    assert result.exit_code == 2 and f"不是审阅 {review_id} 的文件（sha256 不同）" in result.output
    assert nianbao_eval("--from-review", review_id, "--db", db).exit_code == 2  # no --input
    assert (
        "存储中没有已完成的审阅 99"
        in nianbao_eval("--from-review", 99, "--input", seed("004"), "--db", db).output
    )
    assert not json.dumps([p.name for p in tmp_path.iterdir()]).count("review-")
