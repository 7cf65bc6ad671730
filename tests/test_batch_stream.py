"""A batch streams: each review is written as soon as it and those before it are done, so a reader
gets the first while the last is still being read, and Ctrl-C leaves every finished review written,
the summary after them, and a valid XLSX. The summary sorts and filters."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import openpyxl
import pytest
from conftest import seed
from report_builder import build_report
from test_batch_hostile import (  # noqa: F401
    children,
    cpu_seconds,
    quick_reports,
    reaper,
    running,
    slow_report,
    until,
)

from nianbao.batch import review_paths, stream
from nianbao.config import Config
from nianbao.narrative.heuristic import heuristic_review
from nianbao.summary import Summary, shown_review

pytestmark = pytest.mark.timeout(90)


def start(*args) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "NIANBAO"))}
    return subprocess.Popen(
        [sys.executable, "-m", "nianbao", "review", *map(str, args), "--no-llm"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_first_review_is_written_while_the_last_is_read_and_ctrl_c_keeps_it(tmp_path, reaper):  # noqa: F811
    quick_reports(tmp_path, ["1.txt", "2.txt", "3.txt"])
    slow_report(
        tmp_path / "4-slow.txt"
    )  # ~20 s to read and check: the batch is under way long after the others
    proc = start(tmp_path, "-f", "jsonl")
    first = json.loads(proc.stdout.readline())
    assert first["source"]["path"].endswith("1.txt")
    assert proc.poll() is None  # written, read by us, and the batch still going
    done = [json.loads(proc.stdout.readline()) for _ in range(2)]
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    [summary] = map(json.loads, rest.splitlines())
    assert [d["source"]["path"][-5:] for d in done] == ["2.txt", "3.txt"]
    assert summary["interrupted"] == "SIGINT" and summary["totals"]["unfinished"] == 1
    assert [r["path"][-5:] for r in summary["reports"]] == ["1.txt", "2.txt", "3.txt"]
    assert err.splitlines()[-1] == "共 4 份：通过 0，有警告 1，不通过 2，无法读取 0，未审阅（已中断）1"


def test_a_single_report_is_under_way_when_stream_returns_and_closing_stops_it(tmp_path):
    """The caller sets up its output beside the review (issue 12); a caller that gives up closes."""
    slow = slow_report(tmp_path / "slow.txt")
    outcomes = stream([str(slow)], Config())
    [worker] = children(os.getpid())
    until(lambda: cpu_seconds(worker) > 0.3, what="the worker to be reviewing")
    outcomes.close()
    assert not running({worker})


def test_a_batch_hands_over_to_its_caller_before_pairing(tmp_path):
    """Pairing reads every report first: the caller's output is set up before that, not after."""
    paths = [str(p) for p in quick_reports(tmp_path, ["1.txt", "2.txt"])]
    outcomes = stream(paths, Config())
    assert not children(os.getpid())  # nothing read yet
    assert [o.path for o in outcomes] == paths


def test_ctrl_c_leaves_a_valid_workbook(tmp_path, reaper):  # noqa: F811
    quick_reports(tmp_path, ["1.txt", "2.txt"])
    slow_report(tmp_path / "3-slow.txt")
    out = tmp_path / "out.xlsx"
    proc = start(tmp_path, "-f", "xlsx", "-o", out)
    until(lambda: slow_under_way(proc), what="the slow report under way")
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode == 143
    rows = list(openpyxl.load_workbook(out)["汇总"].iter_rows(min_row=2, values_only=True))
    assert [r[-2][-5:] for r in rows] == ["1.txt", "2.txt"]


def slow_under_way(proc: subprocess.Popen) -> bool:
    """A worker has spent CPU time only the slow report costs: the quick ones before it are done
    (reviews are started in input order, and the XLSX shows nothing until it is closed)."""
    return any(cpu_seconds(w) >= 1.5 for w in children(proc.pid))


# ---- the summary ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("summary")
    paths = [str(seed(f"00{i}")) for i in range(5)]
    (folder / "empty.txt").write_bytes(b"")
    (folder / "2024.txt").write_text(build_report(), encoding="utf-8")
    return review_paths(
        [*paths, str(folder / "empty.txt"), str(folder / "2024.txt")],
        Config(),
        jobs=2,
        narrative=heuristic_review,
    )


def summary_of(outcomes, sort="input", min_severity="info") -> Summary:
    summary = Summary(len(outcomes), sort, min_severity)
    for i, o in enumerate(outcomes, 1):
        summary.add(i, o.path, o.review, o.error)
    return summary


def test_the_summary_rows_and_totals(outcomes):
    with summary_of(outcomes) as summary:
        rows = list(summary.rows())
        totals = summary.totals
    assert [r.index for r in rows] == list(range(1, 8))
    assert rows[5].verdict == "unreadable" and rows[5].reason == "文件为空" and rows[5].counts == {}
    fail = next(r for r in rows if r.verdict == "fail")
    assert fail.first_errors and fail.first_errors[0].rule == next(
        f.rule for f in outcomes[fail.index - 1].review.findings if f.severity == "error"
    )
    assert (totals.reports, totals.unreadable, totals.passed + totals.warned + totals.failed) == (7, 1, 6)
    assert totals.findings["error"] == sum(o.review.counts["error"] for o in outcomes if o.review)


@pytest.mark.parametrize("sort", ["verdict", "unit", "rule"])
def test_the_summary_sorts(outcomes, sort):
    with summary_of(outcomes, sort) as summary:
        rows = list(summary.rows())
    rank = {"unreadable": 0, "fail": 1, "warn": 2, "pass": 3}
    if sort == "verdict":
        assert [rank[r.verdict] for r in rows] == sorted(rank[r.verdict] for r in rows)
    elif sort == "unit":
        units = [r.unit for r in rows if r.unit]
        assert units == sorted(units) and rows[-1].verdict == "unreadable"  # no unit: last
    else:
        top = [summary_top(outcomes[r.index - 1]) for r in rows]
        assert [t for t in top if t] == sorted(t for t in top if t) and top[-1] is None


def summary_top(outcome) -> str | None:
    """The rule of a report's most severe finding (the first of those), as --sort rule orders by."""
    if outcome.review is None or not outcome.review.findings:
        return None
    order = {"error": 0, "warning": 1, "info": 2}
    return min(outcome.review.findings, key=lambda f: order[f.severity]).rule


def test_min_severity_filters_the_findings_shown_not_the_verdict(outcomes):
    review = next(o.review for o in outcomes if o.review and o.review.verdict == "warn")
    shown = shown_review(review, "warning")
    assert shown.findings and {f.severity for f in shown.findings} == {"warning"}
    assert (shown.verdict, shown.counts) == (review.verdict, review.counts)
    with summary_of(outcomes, min_severity="error") as summary:
        assert {c.severity for c in summary.rules()} == {"error"}
        assert summary.head()["min_severity"] == "error"
