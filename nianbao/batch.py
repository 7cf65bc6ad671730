"""Reviewing many files as a stream: folders walked recursively; every report's unit and year read
first (by the workers), so that last year's report is paired with this year's before any review
starts; then each report read, checked and reviewed by a worker process within its time budget,
and handed over in input order as soon as it and those before it are done — the main process keeps
no more than a small window of reports, whatever the batch's size. LLM narratives run here,
concurrently (bounded). A worker that overruns or dies costs its report only, and SIGINT/SIGTERM
stop the batch with every review finished so far (docs/limits-batch.md)."""

from __future__ import annotations

import contextlib
import gc
import math
import os
import pickle
import select
import signal
import sys
import time
from array import array
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from extractors import ocr_engine
from extractors.document import Document
from extractors.extract import Extraction
from extractors.load import REPORT_SUFFIXES, load_bytes, read_path
from extractors.metadata import read_meta
from extractors.normalize import name_key
from extractors.parts import find_parts

from .config import Config
from .errors import UserError
from .models import Review
from .narrative import NarrativeReviewer
from .narrative.heuristic import heuristic_review
from .review import Analysis, Checked, analyze_bytes, assemble, check, review_narrative

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

FETCH_SECONDS = 20  # a published page, over every redirect (as the bot's /review <url>)
_STOPS = {signal.SIGINT, signal.SIGTERM}
_HEAD, _TAIL = 80, 40  # paragraphs read for a report's unit and year (title and front matter; signature)


@dataclass
class ReportOutcome:
    """One input of a batch: its review, or why it has none."""

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


def is_url(path: str) -> bool:
    return path[:8].lower().startswith(("http://", "https://"))


class Paths(Sequence[str]):
    """A batch's paths in one buffer: 20,000 of them cost their bytes, not 20,000 str objects held
    for the whole batch. (UTF-8, lone surrogates passed through: a name that is not UTF-8 comes
    back exactly as it went in.)"""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("q")

    def append(self, path: str) -> None:
        self._data += path.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i):  # an index; no slices
        i = i + len(self) if i < 0 else i
        start = self._ends[i - 1] if i else 0
        return self._data[start : self._ends[i]].decode("utf-8", "surrogatepass")


def collect(paths: list[str]) -> Paths:
    """Files and URLs as given; folders walked recursively for report-like files, in a stable order."""
    out = Paths()
    for raw in paths:
        if not is_url(raw) and os.path.isdir(raw):
            for path in sorted(_reports_below(str(Path(raw)))):  # Path: "./reports/" is shown as "reports"
                out.append(path)
        else:
            out.append(raw)
    return out


def _reports_below(folder: str) -> Iterator[str]:
    """Report-like files below ``folder`` (symlinked folders are not entered: they may loop). One
    directory entry at a time: a folder of 20,000 reports costs its names only, not 20,000 Path
    or DirEntry objects at once."""
    folders = [folder]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    folders.append(e.path)
                elif (
                    not e.name.startswith(".")
                    and os.path.splitext(e.name)[1].lower() in REPORT_SUFFIXES
                    and e.is_file()
                ):
                    yield e.path


def read_input(path: str, config: Config, allow: tuple[str, ...] = ()) -> bytes:
    """A file's bytes, or a published page's, fetched as the bot fetches links: public addresses
    only unless allow-listed, within the size limit and a wall-clock deadline."""
    if not is_url(path):
        return read_path(path, config.max_bytes)
    from extractors.fetch import FetchError, Limits, fetch_url

    try:
        return fetch_url(path, Limits(config.max_bytes, FETCH_SECONDS), allow).data
    except FetchError as exc:
        raise UserError(f"无法下载：{exc}") from None


def analyze_path(path: str, config: Config, allow: tuple[str, ...] = ()) -> Analysis | str:
    """Never raises: an unreadable input becomes its one-line reason."""
    try:
        return analyze_bytes(read_input(path, config, allow), path, config)
    except UserError as exc:
        return str(exc)
    except Exception as exc:  # a bug must cost one file, never the batch or a traceback
        return _internal_error(exc)


def issuer_key(ex: Extraction) -> str | None:
    return name_key(ex.meta.issuer) if ex.meta.issuer else None


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

    def fileno(self) -> int:  # for _wait
        return self._read


# ---- worker processes ----------------------------------------------------------------------------


@dataclass
class _Job:
    """What every worker of one pool knows from its start (handed over by fork)."""

    config: Config
    previous: Extraction | None = None  # --previous, for the rules
    narrative: NarrativeReviewer | None = None  # the heuristic; None when the LLM reviews in the parent
    llm: bool = False  # the narrative is reviewed in the parent: hand the report back read and checked
    allow: tuple[str, ...] = ()  # hosts and networks a URL may point to besides public addresses


@dataclass
class _Key:
    """What pairing needs of a report: its unit and year."""

    issuer: str | None
    year: int | None


@dataclass
class _Read:
    """A report read and checked by a worker, its narrative left to the LLM in the parent."""

    analysis: Analysis
    checked: Checked


# Tasks: module-level functions, so they pickle by name. They run in a worker.


def _analyze(job: _Job, path: str) -> Analysis | str:
    return analyze_path(path, job.config, job.allow)


def _scan(job: _Job, path: str) -> _Key | str:
    try:
        doc = load_bytes(read_input(path, job.config, job.allow), path, job.config.max_bytes)
    except UserError as exc:
        return str(exc)
    return quick_key(doc)


def quick_key(doc: Document) -> _Key:
    """The unit and year from the report's first and last paragraphs alone, where its title, front
    matter and signature are: the parts in between, and the tables, cost most of reading a report
    (seconds for a long one) and pairing needs none of them."""
    paragraphs = (
        doc.paragraphs
        if len(doc.paragraphs) <= _HEAD + _TAIL
        else [*doc.paragraphs[:_HEAD], *doc.paragraphs[-_TAIL:]]
    )
    parts = find_parts(paragraphs)
    six = next((h.line for h in parts if h.part == "六"), None)
    meta = read_meta(paragraphs, min((h.line for h in parts), default=None), six)
    return _Key(name_key(meta.issuer) if meta.issuer else None, meta.year)


def _review(job: _Job, arg: tuple[str, str | None]) -> Review | _Read | str:
    """The whole review of one report; ``before`` is last year's report of the same unit, when the
    batch holds it (read again here: the parent keeps no report)."""
    path, before = arg
    analysis = analyze_path(path, job.config, job.allow)
    if isinstance(analysis, str):
        return analysis
    previous = job.previous
    if before is not None and isinstance(last := analyze_path(before, job.config, job.allow), Analysis):
        previous = last.ex
    checked = check(analysis, job.config, previous)
    if job.llm:
        return _Read(analysis, checked)
    return assemble(analysis, job.config, checked, review_narrative(analysis, job.config, job.narrative))


def _serve(conn: _Channel, job: _Job, workers: int = 1) -> None:
    """A worker's life: one task at a time until told to stop (None). It reads scanned pages on
    its share of the CPUs, the pool's ``workers`` reading side by side (extractors.ocr_engine)."""
    ocr_engine.share(workers)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's Stop handler, inherited by fork
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
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


_Arg = TypeVar("_Arg")  # what a task's function takes besides the job


@dataclass
class _Task(Generic[_Arg]):
    """One task for a worker, within what is left of its report's budget."""

    index: int  # of the report in the batch
    run: Callable[[_Job, _Arg], object]
    arg: _Arg
    seconds: float  # what is left of the report's budget
    used: float = 0.0  # seconds it took, once ended


@dataclass
class _Worker:
    """A worker process, the batch's end of its pipe, and the task it is running."""

    process: _Process
    conn: _Channel
    task: _Task | None = None
    started: float = 0.0

    @property
    def deadline(self) -> float:
        """Of the task under way: asked of busy workers only."""
        assert self.task is not None
        return self.started + self.task.seconds

    @property
    def pid(self) -> int:
        pid = self.process.pid
        assert pid is not None  # started before it joins the pool (_Pool._start)
        return pid


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
        self.dispatch()
        busy = [w for w in self.workers if w.task]
        timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic()) if busy else None
        ready = set(
            _wait([w.conn for w in busy] + [w.process.sentinel for w in self.workers] + also, timeout)
        )
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
                _kill_tree(w.pid)
            else:
                with contextlib.suppress(OSError):
                    w.conn.send(None)
        for w in list(self.workers):
            w.process.join(1)
            self._retire(w, kill=w.process.exitcode is None)  # still there: it is not left behind

    def dispatch(self) -> None:
        """Queued tasks to idle workers, starting workers up to ``size``."""
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
        job, workers = self.job, self.size
        # blocked until the child has set its own handlers: it must never run the parent's Stop
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        # frozen for the fork: the worker's garbage collections then skip all the parent made, so
        # they neither spend time on it nor copy its memory pages (a tenth of a short review)
        gc.freeze()
        try:
            process = _Process(lambda conn: _serve(conn, job, workers))
        finally:
            gc.unfreeze()  # the parent collects as before: a bot forks workers for every batch
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        self.workers.append(_Worker(process, process.conn))
        return self.workers[-1]

    def _receive(self, w: _Worker) -> object:
        try:
            result = w.conn.recv()
        except (EOFError, OSError):  # died before or while sending
            return _died(self._retire(w, kill=True))
        w.task = None
        return result

    def _retire(self, w: _Worker, kill: bool = False) -> int | None:
        """Reaps the worker (killed first when ``kill``), frees its pipes; its exit code."""
        if kill:
            _kill_tree(w.pid)
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
    found: list[int] = []
    level = {pid}
    while level:
        level = {p for p, parent in parent_of.items() if parent in level}
        found += level
    return found


# ---- processes and pipes -------------------------------------------------------------------------
# Forked directly, as multiprocessing's "fork" start method does, without importing multiprocessing:
# its import alone (pickle, socket, tempfile, shutil, subprocess…) costs a text report's review a
# tenth of its time (issue 12). A worker starts in a millisecond with everything imported, and
# inherits the batch's config, narrative reviewer and --previous report without pickling them.


class _Channel:
    """One end of the two pipes between the batch and a worker: each object pickled, after its
    length (as multiprocessing.connection.Connection sends it)."""

    def __init__(self, read: int, write: int):
        self._read, self._write = read, write

    def fileno(self) -> int:  # readable: an object has come, or the other end is gone
        return self._read

    def send(self, obj: object) -> None:
        """Pickled first: an object that does not pickle raises before anything is written."""
        data = pickle.dumps(obj)
        view = memoryview(len(data).to_bytes(8, "big") + data)
        while view:
            view = view[os.write(self._write, view) :]

    def recv(self) -> Any:  # whatever the other end sent
        """EOFError when the other end is gone."""
        return pickle.loads(self._exactly(int.from_bytes(self._exactly(8), "big")))

    def _exactly(self, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = os.read(self._read, min(size - len(data), 1 << 20))
            if not chunk:
                raise EOFError
            data += chunk
        return bytes(data)

    def close(self) -> None:
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)


class _Process:
    """A worker process running ``serve`` on its end of the pipes, ``conn`` being the batch's end;
    ``sentinel`` turns readable when the worker is gone (the pipe's other end closes with it), and
    the worker's ``lifeline`` ends when the batch's end of it closes (``_end_with_parent``)."""

    def __init__(self, serve: Callable[[_Channel], None]):
        tasks, results = os.pipe(), os.pipe()  # (read, write) each
        self.sentinel, alive = os.pipe()
        lifeline, self._lifeline = os.pipe()
        self.exitcode: int | None = None
        _flush_std_streams()  # else the worker holds a copy of what is buffered, to write again
        self.pid = os.fork()
        if self.pid == 0:
            code = 1
            try:
                for fd in (tasks[1], results[0], self.sentinel, self._lifeline):
                    os.close(fd)
                _end_with_parent(lifeline)
                serve(_Channel(tasks[0], results[1]))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                _flush_std_streams()
                os._exit(code)
        for fd in (tasks[0], results[1], alive, lifeline):
            os.close(fd)
        self.conn = _Channel(results[0], tasks[1])

    def join(self, timeout: float | None = None) -> None:
        """Reaps the worker once it has ended; ``timeout``: seconds to wait for that at most."""
        if self.exitcode is None and (timeout is None or _wait([self.sentinel], timeout)):
            self.exitcode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])

    def close(self) -> None:
        """Once joined: closing the lifeline earlier would end the worker."""
        os.close(self.sentinel)
        os.close(self._lifeline)


def _end_with_parent(lifeline: int) -> None:
    """The kernel ends this worker when the batch process dies, even by SIGKILL and even while the
    worker is stuck in C code holding the GIL: once every writing end of ``lifeline`` is closed (the
    batch's, and copies inherited by workers forked later, which end the same way), the kernel sends
    SIGIO to the owner of this reading end (O_ASYNC), and SIGIO's default action is to terminate.
    Unlike PR_SET_PDEATHSIG this is tied to the batch process, not to the thread that forked, and
    needs no ctypes, whose import cost a short review a thirtieth of its time (issue 12)."""
    import fcntl

    signal.signal(signal.SIGIO, signal.SIG_DFL)
    fcntl.fcntl(lifeline, fcntl.F_SETOWN, os.getpid())
    fcntl.fcntl(lifeline, fcntl.F_SETFL, fcntl.fcntl(lifeline, fcntl.F_GETFL) | os.O_ASYNC)
    if _wait([lifeline], 0):  # the batch died before that took effect
        os._exit(1)


def _flush_std_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.flush()


def _wait(objects: list, timeout: float | None) -> list:
    """Those of ``objects`` (file descriptors, or objects with ``fileno()``) that are readable or
    whose other end is closed, waiting ``timeout`` seconds at most (None: until one is)."""
    poller = select.poll()
    by_fd = {}
    for obj in objects:
        fd = obj if isinstance(obj, int) else obj.fileno()
        by_fd[fd] = obj
        poller.register(fd, select.POLLIN)
    events = poller.poll(None if timeout is None else math.ceil(timeout * 1000))
    return [by_fd[fd] for fd, _ in events]


# ---- batches -------------------------------------------------------------------------------------


def read_previous(
    path: str, config: Config, stop: Stop | None = None, allow: tuple[str, ...] = ()
) -> Extraction | str | None:
    """Last year's report (--previous), read in a worker within the same budget; its reason when
    it cannot be read, None when stopped."""
    with _Pool(1, _Job(config, allow=allow)) as pool:
        pool.submit(_Task(0, _analyze, path, config.report_timeout))
        while not (stop and stop.signum):
            for _, result in pool.wait([stop] if stop else []):
                # else the reason it cannot be read: _analyze and the pool give str
                return result.ex if isinstance(result, Analysis) else cast(str, result)
    return None


def stream(
    paths: Sequence[str],
    config: Config,
    jobs: int = 1,
    narrative: NarrativeReviewer | None = None,
    previous: Extraction | None = None,
    stop: Stop | None = None,
    allow: tuple[str, ...] = (),
) -> Generator[ReportOutcome, None, None]:
    """One ReportOutcome per input, in input order, each as soon as it and those before it are done.

    With several inputs, workers first read every report's unit and year, so that each report is
    paired with last year's report of the same unit in the batch before its review starts. Then
    each report is read, checked and (with the heuristic) its narrative reviewed in a worker process
    (up to ``jobs`` at a time, no more than the CPUs) within ``config.report_timeout`` seconds, the
    first reading included. The LLM, waiting on the network, reviews narratives here, starting as
    soon as a report is checked (up to ``jobs`` at a time). Once stopped (SIGINT/SIGTERM), every
    report finished is still handed over, and the others as unfinished.

    A single report is handed to a worker before this returns, so that what the caller does before
    iterating (setting up its output) runs beside its review: for a short report that is a
    twentieth of the command's time (issue 12). Close the iterator to stop the batch early."""
    outcomes = _Batch(paths, config, jobs, narrative, previous, stop, allow).run()
    next(outcomes)  # the None run() yields once the first reports are under way
    return cast(Generator[ReportOutcome, None, None], outcomes)


def review_paths(
    paths: Sequence[str],
    config: Config,
    jobs: int = 1,
    narrative: NarrativeReviewer | None = None,
    previous: Extraction | None = None,
    stop: Stop | None = None,
    allow: tuple[str, ...] = (),
) -> list[ReportOutcome]:
    """``stream``, kept: for callers that want every outcome at once (a handful of reports)."""
    return list(stream(paths, config, jobs, narrative, previous, stop, allow))


class _Batch:
    def __init__(
        self,
        paths: Sequence[str],
        config: Config,
        jobs: int,
        narrative: NarrativeReviewer | None,
        previous: Extraction | None,
        stop: Stop | None,
        allow: tuple[str, ...],
    ):
        self.paths, self.config, self.jobs, self.stop = paths, config, jobs, stop
        local = (
            narrative is None or narrative is heuristic_review
        )  # CPU work: in the worker, within its budget
        self.job = _Job(config, previous, narrative if local else None, llm=not local, allow=allow)
        self.llm = None if local else narrative
        self.threads: ThreadPoolExecutor | None = None
        if self.llm:  # concurrent.futures (and logging with it) imported for the LLM only (issue 12)
            from concurrent.futures import ThreadPoolExecutor

            self.threads = ThreadPoolExecutor(max_workers=jobs)
        # the reports between the next one to hand over and the last one started: the window bounds
        # what the parent holds (a slow report holds back those after it, never more than this)
        self.window = max(16, 4 * jobs)
        # per report, a few bytes only: the seconds its first reading took, its unit and year as one
        # number (unit's index × 10,000 + year); and the latest report of each unit and year
        self.spent = array("d", bytes(8 * len(paths)))
        self.keys = array("q", [-1]) * len(paths)
        self.units: dict[str, int] = {}
        self.by_key: dict[int, int] = {}
        self.errors: dict[int, str] = {}  # unreadable ones, until handed over
        self.done: dict[int, ReportOutcome] = {}  # finished within the window, until handed over
        self.narratives: dict[int, tuple[_Read, Future]] = {}
        self.handed = self.out = 0  # reports handed to the workers (or found unreadable), and handed over

    @property
    def stopped(self) -> bool:
        return self.stop is not None and self.stop.signum is not None

    def run(self) -> Generator[ReportOutcome | None, None, None]:
        """None once the first reports are under way (``stream``), then each outcome in input order."""
        self.wake_r, self.wake_w = os.pipe()  # written to when an LLM review ends: the pool's wait returns
        for fd in (self.wake_r, self.wake_w):
            os.set_blocking(fd, False)
        try:
            with _Pool(min(self.jobs, os.cpu_count() or 1, len(self.paths)), self.job) as pool:
                if len(self.paths) > 1:  # one report has nothing to be paired with
                    yield None  # the caller sets up its output first: pairing can take long
                    self._scan(pool)
                    self._hand(pool)
                else:
                    self._hand(pool)
                    yield None
                yield from self._review(pool)
        finally:
            if self.threads:  # when stopped, LLM reviews under way are abandoned, not awaited
                self.threads.shutdown(wait=not self.stopped, cancel_futures=True)
            os.close(self.wake_r)
            os.close(self.wake_w)

    def _wait(self, pool: _Pool) -> list[tuple[_Task, object]]:
        ended = pool.wait([self.wake_r, *([self.stop] if self.stop else [])])
        with contextlib.suppress(BlockingIOError):
            os.read(self.wake_r, 4096)
        return ended

    def _scan(self, pool: _Pool) -> None:
        """Every report's unit and year; tasks fed as workers free up, never all queued at once."""
        count, nxt = len(self.paths), 0
        while not self.stopped and (nxt < count or not pool.done()):
            while nxt < count and len(pool.queue) < pool.size:
                pool.submit(_Task(nxt, _scan, self.paths[nxt], self.config.report_timeout))
                nxt += 1
            for task, result in self._wait(pool):
                self.spent[task.index] = task.used
                if isinstance(result, _Key):
                    self._note(task.index, result)
                else:
                    self.errors[task.index] = str(result)

    def _note(self, i: int, key: _Key) -> None:
        if key.issuer and key.year and 1 < key.year < 10000:
            self.keys[i] = self.units.setdefault(key.issuer, len(self.units)) * 10000 + key.year
            self.by_key[self.keys[i]] = i  # the last of several wins

    def _before(self, i: int) -> str | None:
        """The path of last year's report of the same unit, when the batch holds it."""
        j = self.by_key.get(self.keys[i] - 1) if self.keys[i] >= 0 else None
        return self.paths[j] if j is not None else None

    def _hand(self, pool: _Pool) -> None:
        """The reports of the window not yet handed to the workers, started on the free ones."""
        while not self.stopped and self.handed < min(len(self.paths), self.out + self.window):
            i = self.handed
            if i not in self.errors:
                left = self.config.report_timeout - self.spent[i]
                pool.submit(_Task(i, _review, (self.paths[i], self._before(i)), left))
            self.handed += 1
        pool.dispatch()

    def _review(self, pool: _Pool) -> Iterator[ReportOutcome]:
        count = len(self.paths)
        while self.out < count and not self.stopped:
            if outcome := self._finished(self.out):
                yield outcome
                self.out += 1
                self._hand(pool)
                continue
            for task, result in self._wait(pool):
                self._ended(task.index, result)
            self._narratives_done()
        for i in range(self.out, count):  # stopped: what is finished still goes out
            yield self._finished(i) or ReportOutcome(self.paths[i])

    def _finished(self, i: int) -> ReportOutcome | None:
        if i in self.errors:
            return ReportOutcome(self.paths[i], error=self.errors.pop(i))
        return self.done.pop(i, None)

    def _ended(self, i: int, result: object) -> None:
        if isinstance(result, str):
            self.errors[i] = result
        elif isinstance(result, _Read) and self.threads:
            future = self.threads.submit(review_narrative, result.analysis, self.config, self.llm)
            future.add_done_callback(self._wake)
            self.narratives[i] = (result, future)
        elif isinstance(result, Review):
            self.done[i] = ReportOutcome(self.paths[i], review=result)

    def _wake(self, _future: Future) -> None:
        with contextlib.suppress(BlockingIOError):  # full: it is readable already
            os.write(self.wake_w, b".")

    def _narratives_done(self) -> None:
        for i, (read, future) in list(self.narratives.items()):
            if future.done():
                del self.narratives[i]
                try:  # a crash in the narrative reviewer or here costs that one report, never the batch
                    review = assemble(read.analysis, self.config, read.checked, future.result())
                    self.done[i] = ReportOutcome(self.paths[i], review=review)
                except Exception as exc:
                    self.errors[i] = _internal_error(exc)
