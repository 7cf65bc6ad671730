"""Runs the cases: each report is reviewed by the real pipeline with the real LLM reviewer, whose
requests go to the local replay server; what code decides is compared with the golden file,
what the model decides is kept for scoring against the labels.

Replay (default) answers from ``recordings.json`` only, with the recordings of the case's default
model or of ``model``. Record mode sends the misses of every case that is not scripted to the
configured model (its preset's request fields included) and rewrites that model's recordings
(dropping those no request used any more). ``update`` rewrites ``expected.json`` where the result
differs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from extractors.errors import LoadError
from nianbao.config import Config, ConfigError, load_config
from nianbao.models import Narrative, Review
from nianbao.narrative.llm_review import LLMReviewer
from nianbao.narrative.settings import LLMSettings
from nianbao.review import analyze_bytes, review_bytes

from .cases import Case, model_of
from .golden import Diff, diff, golden_of, judged_of
from .replay import OnMiss, ReplayServer, Upstream

MISSING = "缺少录制：提示词或叙述输入已变化，请配置大模型后运行 nianbao eval --record"
SCRIPTED = (
    "本用例的答案是手写的（scripted），--record 不会替换：请运行 python scripts/make_eval_cases.py 重新生成键"
)


@dataclass
class CaseOutcome:
    case: Case
    model: str = ""
    found: dict | None = None  # this run's review, in the golden's shape
    judged: dict | None = None  # what the model decided (golden.judged_of)
    narrative: Narrative | None = None  # tokens, cache and cost
    diff: Diff | None = None
    missing: list[str] = field(default_factory=list)  # request keys without a recording
    used: dict[str, dict] = field(default_factory=dict)  # the recordings that answered
    recorded: int = 0  # recordings added by --record
    updated: bool = False  # expected.json rewritten by --update-golden
    error: str | None = None

    @property
    def ok(self) -> bool:
        return (
            self.error is None
            and not self.missing
            and (self.updated or (self.case.expected is not None and not self.diff))
        )


def replay_settings(server: ReplayServer, model: str) -> LLMSettings:
    """The reviewer's settings against the local server: answers are instant, so short waits."""
    return LLMSettings(model=model, base_url=server.base_url, api_key="replay", timeout=10, backoff=0.01)


def review_case(case: Case, reviewer: LLMReviewer) -> Review:
    """Raises LoadError (not a readable report), ConfigError (bad config.toml) or OSError."""
    config = load_config(case.config) if case.config else Config()
    previous = None
    if case.previous:
        previous = analyze_bytes(case.previous.read_bytes(), case.previous.name, config).ex
    return review_bytes(case.input.read_bytes(), case.input.name, config, previous, narrative=reviewer)


class _Runner:
    def __init__(self, server: ReplayServer, record: LLMSettings | None, model: str | None):
        self.server = server
        self.record = record
        self.model = model
        self.reviewers: dict[LLMSettings, LLMReviewer] = {}

    def reviewer(self, settings: LLMSettings) -> LLMReviewer:
        if settings not in self.reviewers:
            self.reviewers[settings] = LLMReviewer(settings)
        return self.reviewers[settings]

    def run(self, case: Case, update: bool) -> CaseOutcome:
        record = None if case.scripted else self.record  # set: recording this case from the model
        if record is not None:
            # the preset's fields go through the replay server to the model, which the client waits for
            settings = replace(
                record, base_url=self.server.base_url, api_key="replay", timeout=record.timeout + 5
            )
        else:  # a scripted answer tests the code: the same for every model
            settings = replay_settings(self.server, case.model if case.scripted else self.model or case.model)
        reviewer = self.reviewer(settings)
        on_miss: OnMiss | None = None
        if record is not None:
            on_miss = Upstream(record.endpoint, record.api_key, record.timeout, reviewer.prompt.id)
        book = {k: e for k, e in case.recordings.items() if model_of(e, case.model) == settings.model}
        self.server.load(book, on_miss)
        outcome = CaseOutcome(case, settings.model)
        try:
            review = review_case(case, reviewer)
        except (LoadError, ConfigError, OSError) as exc:
            outcome.error = f"无法审阅：{exc}"
            return outcome
        except Exception as exc:  # a bug in the pipeline fails this case, with its name, not the run
            outcome.error = f"审阅时内部错误：{exc.__class__.__name__}: {exc}"
            return outcome
        outcome.missing = list(self.server.missing)
        outcome.used = dict(self.server.used)
        if self.server.errors:
            outcome.error = f"录制失败：{self.server.errors[0]}"
        elif record is not None and not outcome.missing and outcome.used != book:
            outcome.recorded = len(outcome.used.keys() - book.keys())
            case.save_recordings(settings.model, outcome.used)
        outcome.found = golden_of(review, case.scripted)
        outcome.judged = judged_of(review)
        outcome.narrative = review.narrative
        if case.expected is not None:
            outcome.diff = diff(case.expected, outcome.found)
        if (
            update
            and outcome.error is None
            and not outcome.missing
            and (outcome.diff or case.expected is None)
        ):
            case.save_expected(outcome.found)
            outcome.updated = True
        return outcome


def run(
    cases: list[Case], record: LLMSettings | None = None, update: bool = False, model: str | None = None
) -> list[CaseOutcome]:
    """``record``: the configured model's settings (``LLMSettings.from_env()``), or None to replay
    the recordings of ``model`` (default: each case's default model)."""
    with ReplayServer() as server:
        runner = _Runner(server, record, model)
        return [runner.run(case, update) for case in cases]
