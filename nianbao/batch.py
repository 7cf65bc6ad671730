"""Reviewing many files: folders walked recursively, the deterministic half in worker processes,
last year's report paired by issuer, narratives concurrently (bounded), results in input order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import LoadError
from extractors.load import read_path
from extractors.extract import Extraction
from extractors.normalize import name_key

from .config import Config
from .models import NarrativeReviewer, Review
from .review import Analysis, analyze_bytes, assemble, review_narrative

REPORT_SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".html", ".htm", ".doc", ".wps", ".rtf"}


@dataclass
class Outcome:
    path: str
    review: Review | None = None
    error: str | None = None  # one line: why the file could not be reviewed

    @property
    def status(self) -> int:
        if self.error is not None:
            return 2
        return 1 if self.review.verdict == "fail" else 0


def collect(paths: list[str]) -> list[str]:
    """Files as given; folders walked recursively for report-like files, in a stable order."""
    out: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out += sorted(str(f) for f in p.rglob("*")
                          if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES and not f.name.startswith("."))
        else:
            out.append(raw)
    return out


def analyze_path(path: str, config: Config) -> Analysis | str:
    """Never raises: an unreadable input becomes its one-line reason."""
    try:
        return analyze_bytes(read_path(path, config.max_bytes), path, config)
    except LoadError as exc:
        return str(exc)
    except Exception as exc:  # a bug must cost one file, never the batch or a traceback
        return _internal_error(exc)


def issuer_key(ex: Extraction) -> str | None:
    return name_key(ex.meta.issuer) if ex.meta.issuer else None


def _previous_of(analyses: list[Analysis]) -> dict[int, Extraction]:
    by_key = {(issuer_key(a.ex), a.ex.meta.year): a.ex for a in analyses if issuer_key(a.ex) and a.ex.meta.year}
    return {i: by_key[(issuer_key(a.ex), a.ex.meta.year - 1)] for i, a in enumerate(analyses)
            if a.ex.meta.year and (issuer_key(a.ex), a.ex.meta.year - 1) in by_key}


def _analyses(paths: list[str], config: Config, jobs: int, tick: Callable[[], None]) -> Iterator[Analysis | str]:
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield analyze_path(path, config)
            tick()
        return
    with ProcessPoolExecutor(max_workers=min(jobs, os.cpu_count() or 1)) as pool:  # CPU-bound
        for result in pool.map(analyze_path, paths, [config] * len(paths), chunksize=4):
            yield result
            tick()


def review_paths(paths: list[str], config: Config, jobs: int = 1, narrative: NarrativeReviewer | None = None,
                 previous: Extraction | None = None, tick: Callable[[], None] = lambda: None) -> list[Outcome]:
    """Each report's narrative review starts as soon as that report is read (it waits on the
    network, up to ``jobs`` at a time); the rules run once every report is known, because a
    report's predecessor may come later in the batch."""
    results: list[Analysis | str] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        pending: dict[int, Future] = {}
        for result in _analyses(paths, config, jobs, tick):
            results.append(result)
            if isinstance(result, Analysis):
                pending[id(result)] = pool.submit(review_narrative, result, config, narrative)
        analyses = [r for r in results if isinstance(r, Analysis)]
        pairs = _previous_of(analyses)
        reviews = {id(a): _assemble_safely(a, config, pairs.get(i, previous), pending[id(a)])
                   for i, a in enumerate(analyses)}
    outcomes = []
    for path, r in zip(paths, results):
        done = r if isinstance(r, str) else reviews[id(r)]
        outcomes.append(Outcome(path, error=done) if isinstance(done, str) else Outcome(path, review=done))
    return outcomes


def _assemble_safely(analysis: Analysis, config: Config, previous: Extraction | None,
                     narrative: Future) -> Review | str:
    """A crash in a rule or in the narrative reviewer costs that one report, never the batch."""
    try:
        return assemble(analysis, config, previous, narrative.result())
    except Exception as exc:
        return _internal_error(exc)


def _internal_error(exc: Exception) -> str:
    return f"内部错误，无法审阅（{exc.__class__.__name__}）；请把该文件报告给维护者"
