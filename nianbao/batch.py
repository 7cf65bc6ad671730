"""Reviewing many files: folders walked recursively; each report read and checked by the rules in
a worker process within its time budget; last year's report paired by issuer; LLM narratives
concurrently (bounded); results in input order. A worker that overruns or dies costs its report
only, and SIGINT/SIGTERM stop the batch with every review finished so far (docs/limits-batch.md)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from extractors.errors import LoadError
from extractors.extract import Extraction
from extractors.load import read_path
from extractors.normalize import name_key

from .config import Config
from .models import NarrativeReviewer, Review
from .narrative.heuristic import heuristic_review
from .review import Analysis, Checked, NarrativeResult, analyze_bytes, assemble, check, review_narrative

REPORT_SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".html", ".htm", ".doc", ".wps", ".rtf"}
# fork: a worker starts in a millisecond with everything imported, and inherits the batch's
# config, narrative reviewer and --previous report without pickling them
_MP = multiprocessing.get_context("fork")
_STOPS = {signal.SIGINT, signal.SIGTERM}


@dataclass
class Outcome:
    path: str
    review: Review | None = None
    error: str | None = None  # one line: why the file could not be reviewed
    # neither: the batch was stopped (SIGINT/SIGTERM) before this report was finished

    @property
    def finished(self) -> bool:
        return self.review is not None or self.error is not None

    @property
    def status(self) -> int:
        if self.review is None:
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


def _previous_of(analyses: dict[int, Analysis]) -> dict[int, Extraction]:
    by_key = {(issuer_key(a.ex), a.ex.meta.year): a.ex for a in analyses.values()
              if issuer_key(a.ex) and a.ex.meta.year}
    return {i: by_key[(issuer_key(a.ex), a.ex.meta.year - 1)] for i, a in analyses.items()
            if a.ex.meta.year and (issuer_key(a.ex), a.ex.meta.year - 1) in by_key}


def _internal_error(exc: Exception) -> str:
    return f"内部错误，无法审阅（{exc.__class__.__name__}）；请把该文件报告给维护者"


class Stop:
    """SIGINT/SIGTERM while reports are reviewed: noted (the first one counts) instead of raising
    wherever the main thread happens to be, and a pipe made readable, so a batch waiting on its
    workers wakes, stops them and hands back what is finished."""

    signum: int | None = None

    def __enter__(self) -> Stop:
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)
        self._handlers = {s: signal.signal(s, self._note) for s in _STOPS}
        return self

    def __exit__(self, *exc) -> None:
        for s, handler in self._handlers.items():
            signal.signal(s, handler)
        os.close(self._read)
        os.close(self._write)

    def _note(self, signum: int, _frame) -> None:
        self.signum = self.signum or signum
        with contextlib.suppress(BlockingIOError):  # full: it is readable already
            os.write(self._write, b"!")

    def fileno(self) -> int:  # for multiprocessing.connection.wait
        return self._read


# ---- worker processes ----------------------------------------------------------------------------

@dataclass
class _Job:
    """What every worker of one pool knows from its start (handed over by fork)."""

    config: Config
    previous: Extraction | None = None  # --previous, for the rules
    narrative: NarrativeReviewer | None = None  # the heuristic; None when the LLM reviews in the parent


@dataclass
class _Read:
    """A report read and checked by a worker (the narrative only when the worker reviewed it)."""

    analysis: Analysis
    checked: Checked
    narrative: NarrativeResult | None


# Tasks: module-level functions, so they pickle by name. They run in a worker.

def _analyze(job: _Job, path: str) -> Analysis | str:
    return analyze_path(path, job.config)


def _read(job: _Job, path: str) -> _Read | str:
    analysis = analyze_path(path, job.config)
    if isinstance(analysis, str):
        return analysis
    checked = check(analysis, job.config, job.previous)
    return _Read(analysis, checked, review_narrative(analysis, job.config, job.narrative))


def _recheck(job: _Job, pair: tuple[Analysis, Extraction]) -> Checked:
    return check(pair[0], job.config, pair[1])


def _serve(conn: Connection, job: _Job, parent: int) -> None:
    """A worker's life: one task at a time until told to stop (None)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's Stop handler, inherited by fork
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    _die_with(parent)
    with contextlib.suppress(EOFError):  # the parent is gone
        for run, arg in iter(conn.recv, None):
            try:
                result = run(job, arg)
            except Exception as exc:  # a bug costs its report only
                result = _internal_error(exc)
            try:
                conn.send(result)
            except Exception as exc:  # it did not pickle: nothing was sent yet
                conn.send(_internal_error(exc))


def _die_with(parent: int) -> None:
    """The kernel kills this worker when the batch process dies, even by SIGKILL (Linux)."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before that took effect
        os._exit(1)


@dataclass
class _Task:
    index: int  # of the report in the batch
    run: Callable[[_Job, object], object]
    arg: object
    seconds: float  # what is left of the report's budget
    used: float = 0.0  # seconds it took, once ended


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    task: _Task | None = None
    started: float = 0.0

    @property
    def deadline(self) -> float:
        return self.started + self.task.seconds


class _Pool:
    """Up to ``size`` worker processes, one task each at a time, each task under a deadline. A
    worker that overruns is killed, with whatever it started, and replaced; one that dies costs
    its task only. (A ProcessPoolExecutor can do neither: it cannot kill one worker, and one dead
    worker breaks the whole pool.)"""

    def __init__(self, size: int, job: _Job):
        self.size, self.job = size, job
        self.workers: list[_Worker] = []
        self.queue: deque[_Task] = deque()

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def submit(self, task: _Task) -> None:
        self.queue.append(task)

    def done(self) -> bool:
        return not self.queue and not any(w.task for w in self.workers)

    def wait(self, also: list) -> list[tuple[_Task, object]]:
        """Start what is queued, then block until a task ends or an fd of ``also`` is readable.
        Returns the tasks ended, each with its result, or the reason it has none."""
        self._dispatch()
        busy = [w for w in self.workers if w.task]
        timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic()) if busy else None
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in self.workers] + also, timeout))
        ended = []
        for w in list(self.workers):
            task = w.task
            if task and w.conn in ready:
                ended.append((task, self._receive(w)))
            elif w.process.sentinel in ready:  # died, idle or not
                exitcode = self._retire(w)
                if task:
                    ended.append((task, _died(exitcode)))
            elif task and time.monotonic() >= w.deadline:
                self._retire(w, kill=True)
                ended.append((task, _overran(self.job.config.report_timeout)))
            else:
                continue
            if task:
                task.used = time.monotonic() - w.started
        return ended

    def close(self) -> None:
        """Idle workers are told to stop; busy ones (the batch was stopped) are killed."""
        for w in self.workers:
            if w.task:
                _kill_tree(w.process.pid)
            else:
                with contextlib.suppress(OSError):
                    w.conn.send(None)
        for w in list(self.workers):
            w.process.join(1)
            self._retire(w, kill=w.process.exitcode is None)  # still there: it is not left behind

    def _dispatch(self) -> None:
        while self.queue:
            worker = next((w for w in self.workers if not w.task), None)
            if worker is None:
                if len(self.workers) >= self.size:
                    return
                worker = self._start()
            task = self.queue.popleft()
            try:
                worker.conn.send((task.run, task.arg))
            except OSError:  # died while idle: the next wait() retires it
                self.queue.appendleft(task)
                return
            worker.task, worker.started = task, time.monotonic()

    def _start(self) -> _Worker:
        ours, theirs = _MP.Pipe()
        process = _MP.Process(target=_serve, args=(theirs, self.job, os.getpid()), daemon=True)
        # blocked until the child has set its own handlers: it must never run the parent's Stop
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        theirs.close()
        self.workers.append(_Worker(process, ours))
        return self.workers[-1]

    def _receive(self, w: _Worker) -> object:
        try:
            result = w.conn.recv()
        except (EOFError, OSError):  # died before or while sending
            return _died(self._retire(w, kill=True))
        w.task = None
        return result

    def _retire(self, w: _Worker, kill: bool = False) -> int:
        """Reaps the worker (killed first when ``kill``), frees its pipes; its exit code."""
        if kill:
            _kill_tree(w.process.pid)
        w.process.join()
        exitcode = w.process.exitcode
        w.process.close()
        w.conn.close()
        w.task = None
        self.workers.remove(w)
        return exitcode


def _overran(budget: float) -> str:
    return f"超出处理时限（{budget:g} 秒），已停止审阅该文件；可用 --timeout 或配置项 report-timeout 调整"


def _died(exitcode: int | None) -> str:
    how = f"被信号 {_signal_name(-exitcode)} 终止" if exitcode and exitcode < 0 else f"退出码 {exitcode}"
    return f"审阅该文件的工作进程意外退出（{how}，可能是内存不足或被其他程序结束），未能审阅；可单独重试"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def _kill_tree(pid: int) -> None:
    """SIGKILL a worker and every process it started: LibreOffice runs in a session of its own,
    so killing the worker alone would orphan it. Stopped first, so it starts nothing more."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGSTOP)
    for p in [pid, *_descendants(pid)]:
        with contextlib.suppress(ProcessLookupError):
            if p != pid and os.getpgid(p) == p:  # a group leader: its children started since go too
                os.killpg(p, signal.SIGKILL)
            else:
                os.kill(p, signal.SIGKILL)


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid``, from /proc (Linux; elsewhere none are found)."""
    parent_of: dict[int, int] = {}
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir("/proc"):
            with contextlib.suppress(OSError, ValueError):
                stat = Path(entry.path, "stat").read_text()
                parent_of[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])  # "pid (comm) state ppid"
    found, level = [], {pid}
    while level:
        level = {p for p, parent in parent_of.items() if parent in level}
        found += level
    return found


# ---- batches -------------------------------------------------------------------------------------

def read_previous(path: str, config: Config, stop: Stop | None = None) -> Extraction | str | None:
    """Last year's report (--previous), read in a worker within the same budget; its reason when
    it cannot be read, None when stopped."""
    with _Pool(1, _Job(config)) as pool:
        pool.submit(_Task(0, _analyze, path, config.report_timeout))
        while not (stop and stop.signum):
            for _, result in pool.wait([stop] if stop else []):
                return result.ex if isinstance(result, Analysis) else result
    return None


def review_paths(paths: list[str], config: Config, jobs: int = 1, narrative: NarrativeReviewer | None = None,
                 previous: Extraction | None = None, tick: Callable[[], None] = lambda: None,
                 stop: Stop | None = None) -> list[Outcome]:
    """Each report is read and checked by the rules in a worker process (up to ``jobs`` at a time,
    no more than the CPUs), within ``config.report_timeout`` seconds; the heuristic reviews its
    narrative there too. The LLM, waiting on the network, reviews it here, starting as soon as the
    report is read (up to ``jobs`` at a time). A report whose predecessor is in the batch is
    checked again with it once every report is read, because that one may come later."""
    return _Batch(paths, config, jobs, narrative, previous, tick, stop).run()


class _Batch:
    def __init__(self, paths: list[str], config: Config, jobs: int, narrative: NarrativeReviewer | None,
                 previous: Extraction | None, tick: Callable[[], None], stop: Stop | None):
        self.paths, self.config, self.jobs, self.tick, self.stop = paths, config, jobs, tick, stop
        local = narrative is heuristic_review  # CPU work on the report: in the worker, within its budget
        self.job = _Job(config, previous, narrative if local else None)
        self.llm = None if local else narrative
        self.threads = ThreadPoolExecutor(max_workers=jobs) if self.llm else None
        self.reads: dict[int, _Read] = {}
        self.errors: dict[int, str] = {}
        self.narratives: dict[int, Future] = {}
        self.spent: dict[int, float] = {}  # seconds each report's reading took of its budget
        self.unread = len(paths)

    @property
    def stopped(self) -> bool:
        return self.stop is not None and self.stop.signum is not None

    def run(self) -> list[Outcome]:
        self.wake_r, self.wake_w = os.pipe()  # written to when an LLM review ends: the pool's wait returns
        for fd in (self.wake_r, self.wake_w):
            os.set_blocking(fd, False)
        try:
            with _Pool(min(self.jobs, os.cpu_count() or 1, len(self.paths)), self.job) as pool:
                for i, path in enumerate(self.paths):
                    pool.submit(_Task(i, _read, path, self.config.report_timeout))
                self._loop(pool)
        finally:
            if self.threads:  # when stopped, LLM reviews under way are abandoned, not awaited
                self.threads.shutdown(wait=not self.stopped, cancel_futures=True)
            os.close(self.wake_r)
            os.close(self.wake_w)
        return [self._outcome(i, path) for i, path in enumerate(self.paths)]

    def _loop(self, pool: _Pool) -> None:
        paired = False
        while not self.stopped:
            if not paired and not self.unread:
                self._pair(pool)
                paired = True
            if pool.done() and all(f.done() for f in self.narratives.values()):
                return
            for task, result in pool.wait([self.wake_r, *([self.stop] if self.stop else [])]):
                self._ended(task, result)
            with contextlib.suppress(BlockingIOError):
                os.read(self.wake_r, 4096)

    def _ended(self, task: _Task, result: object) -> None:
        i = task.index
        if isinstance(result, str):
            self.errors[i] = result
        elif isinstance(result, Checked):  # checked again with last year's report
            self.reads[i].checked = result
        else:
            self.reads[i] = result
            if self.llm:
                self.narratives[i] = self.threads.submit(review_narrative, result.analysis, self.config, self.llm)
                self.narratives[i].add_done_callback(self._narrative_done)
        if task.run is _read:
            self.spent[i] = task.used
            self.unread -= 1
            self.tick()

    def _narrative_done(self, _future: Future) -> None:
        with contextlib.suppress(BlockingIOError):  # full: it is readable already
            os.write(self.wake_w, b".")

    def _pair(self, pool: _Pool) -> None:
        """Reports whose predecessor is in the batch: checked again with it, within what is left
        of their budget."""
        for i, last_year in _previous_of({i: r.analysis for i, r in self.reads.items()}).items():
            left = self.config.report_timeout - self.spent[i]
            pool.submit(_Task(i, _recheck, (self.reads[i].analysis, last_year), left))

    def _outcome(self, i: int, path: str) -> Outcome:
        if i in self.errors:
            return Outcome(path, error=self.errors[i])
        read, future = self.reads.get(i), self.narratives.get(i)
        if read is None or (future and (not future.done() or future.cancelled())):
            return Outcome(path)  # stopped before it was finished
        try:  # a crash in the narrative reviewer or here costs that one report, never the batch
            narrative = future.result() if future else read.narrative
            return Outcome(path, review=assemble(read.analysis, self.config, read.checked, narrative))
        except Exception as exc:
            return Outcome(path, error=_internal_error(exc))
