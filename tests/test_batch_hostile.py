"""Hostile files and hostile peers in a batch (issue 10): a report that takes forever, a worker
killed from outside, SIGINT/SIGTERM, control characters in file names. The command runs as a
user runs it, in its own process; the signals are real. This test process is made a child
subreaper, so any process the command leaves behind becomes our child and is found (no orphans).

The slow input is real: a report whose part 一 runs to megabytes takes many seconds to read and
check (~20 s for 10 MB on the 2-core development machine). The tests never wait for it to end:
they set a budget far below that, or wait until a worker has spent CPU time only that report
can cost, which makes them deterministic on a slow or busy machine too."""

import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import HERE, seed

PR_SET_CHILD_SUBREAPER = 36
pytestmark = [pytest.mark.timeout(90), pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")]


# ---- processes, from /proc -----------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    """The fields after "pid (comm)": state, ppid, …; None when there is no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def running(pids) -> set[int]:
    """Those still alive: not gone, not a zombie."""
    return {p for p in pids if (fields := _stat(p)) and fields[0] not in "ZX"}


def cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def until(condition, seconds: float = 30, what: str = "condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def reaper():
    """Orphans of the command become ours while a test runs; the test fails if any is alive."""
    libc = ctypes.CDLL(None, use_errno=True)
    before = children(os.getpid())
    assert libc.prctl(PR_SET_CHILD_SUBREAPER, 1) == 0
    yield
    libc.prctl(PR_SET_CHILD_SUBREAPER, 0)
    left = children(os.getpid()) - before
    alive = running(left)
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    for pid in left:
        os.waitpid(pid, 0)
    assert not alive, f"orphans left running: {alive}"


# ---- the command -----------------------------------------------------------------------------------


class Run:
    def __init__(self, *args, cwd=None, group: bool = False):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "NIANBAO"))}
        # stdout to a file, as `> out.json`: the reviews stream out as they are done, and a pipe nobody
        # reads until the end would hold the batch up once full
        self.out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by finish)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nianbao", "review", *map(str, args)],
            cwd=cwd,
            env=env,
            stdout=self.out,
            stderr=subprocess.PIPE,
            start_new_session=group,
        )  # a group of its own, as a shell job has
        self.workers: set[int] = set()

    def busy_workers(self, count: int, cpu: float) -> list[int]:
        """Wait until ``count`` workers have each spent ``cpu`` seconds: only a slow report costs that."""

        def ready():
            self.workers |= children(self.proc.pid)
            busy = [w for w in self.workers if cpu_seconds(w) >= cpu]
            return busy if len(busy) >= count else None

        return until(ready, what=f"{count} busy workers")

    def finish(self, seconds: float = 60) -> tuple[int, str, str]:
        _, err = self.proc.communicate(timeout=seconds)
        with self.out:
            self.out.seek(0)
            out, err = (b.decode("utf-8", "surrogateescape") for b in (self.out.read(), err))
        assert "Traceback" not in err
        assert not running(self.workers), "a worker outlived the command"
        return self.proc.returncode, out, err


def reviewed(out: str) -> list[str]:
    """The names of the files reviewed in a batch's JSON array (its other entries: unreadable files, the summary)."""
    return [Path(r["source"]["path"]).name for r in json.loads(out) if r["schema"] == "nianbao.review/1"]


def slow_report(path: Path, megabytes: float = 10) -> Path:
    """Seed 004 with its part 一 repeated to ``megabytes``: a real report, slow to read and check."""
    text = seed("004").read_text(encoding="utf-8")
    head, tail = text.split("二、主动公开政府信息情况", 1)
    part1 = head.split("一、总体情况", 1)[1]
    copies = int(megabytes * 1e6 / len(part1.encode()))
    path.write_text(head + part1 * copies + "二、主动公开政府信息情况" + tail, encoding="utf-8")
    return path


def quick_reports(folder: Path, names: list[str]) -> list[Path]:
    sources = [seed(f"00{i}") for i in range(5)]
    paths = [folder / name for name in names]
    for path, source in zip(paths, sources * len(names), strict=False):
        path.write_bytes(source.read_bytes())
    return paths


# ---- a report that takes forever -------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_report_over_its_budget_is_refused_and_the_batch_goes_on(tmp_path, reaper, jobs):
    quick_reports(tmp_path, ["1.txt", "3.txt"])
    slow_report(tmp_path / "2-slow.txt")
    start = time.monotonic()
    code, out, err = Run(tmp_path, "--no-llm", "-f", "json", "--jobs", jobs, "--timeout", "0.5").finish()
    assert time.monotonic() - start < 8  # the slow report alone takes ~20 s
    assert code == 2
    lines = err.splitlines()
    assert lines[0].startswith(f"nianbao: {tmp_path / '2-slow.txt'}: 超出处理时限（0.5 秒）")
    assert lines[1:] == ["共 3 份：通过 0，有警告 1，不通过 1，无法读取 1"]
    assert reviewed(out) == ["1.txt", "3.txt"]


def test_the_budget_of_a_single_report_comes_from_the_configuration(tmp_path, reaper):
    slow_report(tmp_path / "slow.txt")
    (tmp_path / "nianbao.toml").write_text("report-timeout = 0.5\n", encoding="utf-8")
    start = time.monotonic()
    code, out, err = Run("slow.txt", "-f", "json", "--no-llm", cwd=tmp_path).finish()
    assert time.monotonic() - start < 8
    assert (code, out) == (2, "")
    assert (
        err
        == "nianbao: slow.txt: 超出处理时限（0.5 秒），已停止审阅该文件；可用 --timeout 或配置项 report-timeout 调整\n"
    )


@pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice")
def test_an_overrunning_conversion_leaves_no_libreoffice_behind(tmp_path, reaper):
    """LibreOffice runs in a session of its own: killing the worker alone would orphan it
    (converting this file takes it ~2.5 s)."""
    code, _, err = Run(HERE / "fixtures/generated/001.doc", "--no-llm", "--timeout", "1").finish()
    assert code == 2 and "超出处理时限（1 秒）" in err


@pytest.mark.parametrize("value", ["0", "-1", '"soon"', "100000"])
def test_an_invalid_budget_is_a_usage_error(tmp_path, value):
    (tmp_path / "nianbao.toml").write_text(f"report-timeout = {value}\n", encoding="utf-8")
    code, _, err = Run(seed("004"), "--no-llm", cwd=tmp_path).finish()
    assert code == 2 and "report-timeout" in err and "内部错误" not in err


# ---- a worker killed from outside ------------------------------------------------------------------


def test_a_killed_worker_costs_only_the_report_it_held(tmp_path, reaper):
    quick_reports(tmp_path, [f"{i}.txt" for i in (1, 2, 3, 4, 6, 7, 8, 9)])
    slow_report(tmp_path / "5-slow.txt")
    run = Run(tmp_path, "--no-llm", "-f", "json", "--jobs", "2")
    [worker] = run.busy_workers(1, cpu=1.5)
    os.kill(worker, signal.SIGKILL)
    code, out, err = run.finish()
    assert code == 2
    lines = err.splitlines()
    assert lines[0] == (
        f"nianbao: {tmp_path / '5-slow.txt'}: 审阅该文件的工作进程意外退出（被信号 SIGKILL 终止，"
        "可能是内存不足或被其他程序结束），未能审阅；可单独重试"
    )
    assert lines[1].startswith("共 9 份：") and lines[1].endswith("无法读取 1") and len(lines) == 2
    assert reviewed(out) == [f"{i}.txt" for i in (1, 2, 3, 4, 6, 7, 8, 9)]


def test_workers_die_with_the_command_even_when_it_is_killed(tmp_path, reaper):
    slow_report(tmp_path / "1-slow.txt")
    slow_report(tmp_path / "2-slow.txt")
    run = Run(tmp_path, "--no-llm", "--jobs", "2")
    workers = run.busy_workers(2, cpu=0.5)
    run.proc.kill()  # no handler runs: the kernel ends the workers (SIGIO on their lifeline pipe)
    run.proc.wait()
    until(lambda: not running(workers), seconds=5, what="the workers to die")


def test_a_worker_stuck_in_c_code_ends_when_its_lifeline_closes():
    """What the kernel does for a worker when the batch dies: a regex backtracking for ever holds the
    GIL, so no Python code of the worker could notice."""
    from nianbao.batch import _Process

    process = _Process(lambda conn: re.match(r"(a+)+$", "a" * 64 + "b"))
    try:
        time.sleep(0.2)  # under way
        os.close(process._lifeline)  # as the batch's death closes it
        process.join(timeout=5)
        assert process.exitcode == -signal.SIGIO
    finally:
        if process.exitcode is None:
            os.kill(process.pid, signal.SIGKILL)
            process.join()
        os.close(process.sentinel)


# ---- SIGINT and SIGTERM ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "signum, fmt",
    [
        pytest.param(s, f, id=f"{s.name}-{f}")
        for s, f in [
            (signal.SIGTERM, "json"),
            (signal.SIGINT, "json"),
            (signal.SIGTERM, "markdown"),
            (signal.SIGINT, "text"),
        ]
    ],
)
def test_a_signal_stops_the_workers_and_prints_what_is_finished(tmp_path, reaper, signum, fmt):
    quick_reports(tmp_path, ["1.txt", "2.txt", "3.txt", "4.txt"])
    slow_report(tmp_path / "5-slow.txt")
    slow_report(tmp_path / "6-slow.txt")
    run = Run(tmp_path, "--no-llm", "-f", fmt, "--jobs", "2", group=True)
    run.busy_workers(2, cpu=1.0)  # both on a slow report: the four others are reviewed
    if signum == signal.SIGINT:
        os.killpg(run.proc.pid, signum)  # Ctrl-C: the terminal signals the whole process group
    else:
        run.proc.send_signal(signum)  # kill PID
    start = time.monotonic()
    code, out, err = run.finish()
    assert time.monotonic() - start < 5
    assert code == 128 + signum
    assert err.splitlines() == [
        f"nianbao: 已中断（{signum.name}）：已完成的审阅已输出，其余 2 份未审阅",
        "共 6 份：通过 0，有警告 2，不通过 2，无法读取 0，未审阅（已中断）2",
    ]
    if fmt == "json":
        assert reviewed(out) == ["1.txt", "2.txt", "3.txt", "4.txt"]
    elif fmt == "markdown":
        assert out.count("# 审阅报告") == 4 and "5-slow" not in out
    else:
        assert out.count("文件：") == 4 and "5-slow" not in out


# ---- control characters in file names --------------------------------------------------------------

HOSTILE = "a\n共 9 份：通过 9，有警告 0，不通过 0，无法读取 0\x1b[2J\x1b]0;title\x07\u202egpj.\x85\x9b"


def test_control_characters_in_file_names_are_spelled_out(tmp_path):
    (tmp_path / f"{HOSTILE}-empty.txt").write_bytes(b"")
    quick_reports(tmp_path, [f"{HOSTILE}.txt"])
    for fmt in ("text", "markdown", "json"):
        code, out, err = Run(tmp_path, "--no-llm", "-f", fmt).finish()
        assert code == 2
        lines = err.splitlines()
        assert len(lines) == 2 and lines[1] == "共 2 份：通过 0，有警告 1，不通过 0，无法读取 1"
        assert lines[0] == (
            f"nianbao: {tmp_path}/a\\n共 9 份：通过 9，有警告 0，不通过 0，无法读取 0"
            "\\x1b[2J\\x1b]0;title\\x07\\u202egpj.\\x85\\x9b-empty.txt: 文件为空"
        )
        if fmt == "json":  # data, not a terminal: the name as it is, escaped by JSON
            assert json.loads(out)[1]["source"]["path"] == str(tmp_path / f"{HOSTILE}.txt")
        else:
            assert "a\\n共 9 份" in out
        for char in "\x1b\u202e\x85\x9b\x07":
            assert char not in err and (fmt == "json" or char not in out)
