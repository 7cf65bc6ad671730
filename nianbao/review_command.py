"""``nianbao review``: what the command does once its command line is read, by typer (``cli.py``)
or by the fast reader of valid review command lines (``entry.py``). Nothing here imports typer, rich
or pydantic at import time: a plain review is the command most run, and its start-up is measured."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import gc
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .config import Config, load_config
from .errors import UserError
from .render.draw import is_terminal, say

if TYPE_CHECKING:
    from extractors.extract import Extraction

    from .batch import Stop
    from .export import Writer


class Format(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    csv = "csv"
    xlsx = "xlsx"
    html = "html"


# The formats that need ``-o``, and the usage error without it.
_NEEDS_OUTPUT = {
    Format.xlsx: "--format xlsx 需要用 -o 指定输出文件，例如 -o 审阅结果.xlsx",
    Format.html: "--format html 需要用 -o 指定输出文件夹，例如 -o 审阅报告（打开其中的 index.html）",
}


class SortBy(str, Enum):
    input = "input"
    verdict = "verdict"
    unit = "unit"
    rule = "rule"


class MinSeverity(str, Enum):
    info = "info"
    warning = "warning"
    error = "error"


def warn(message: str) -> None:
    say(f"nianbao: {shown(message)}")


def guarded(command: Callable[[], int | None]) -> NoReturn:
    """Run the program's ``command`` and exit with its status: Ctrl-C is exit 130, and a bug one line
    for the user instead of a traceback (exit 2)."""
    if sys.stdout is None:  # started with it closed (>&-)
        warn("标准输出已关闭，无处写出结果")
        sys.exit(2)
    try:
        status = command()
        sys.stdout.flush()  # here, not at exit: a reader gone by now is caught below
    except BrokenPipeError:  # the reader stopped reading (… | head): quietly, with click's status
        _discard_stdout()
        sys.exit(1)
    except KeyboardInterrupt:
        warn("已中断")
        sys.exit(130)
    except Exception as exc:
        if isinstance(exc, OSError) and exc.errno in _WRITE_FAILURES:
            warn(f"无法写出结果（{_reason(exc)}）")
            _discard_stdout()
            # at once: the exit's finalizers would fail again on what is half written (openpyxl's
            # workbook) and print their tracebacks
            _exit_now(2)
        else:
            warn(f"内部错误（{exc.__class__.__name__}: {exc}）；请把命令和输入文件报告给维护者")
        sys.exit(2)
    # the interpreter's last garbage collections on the way out would go through everything the
    # review made, for nothing: a short review's exit took as long as its rules
    gc.freeze()
    sys.exit(status)


# what writing the output can meet that is no bug of ours (a full disk, a failing device)
_WRITE_FAILURES = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _discard_stdout() -> None:
    """What is still buffered for stdout cannot be written: the exit would try again and complain."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def run_or_explain(given: dict[str, Any]) -> int:
    """``run`` with a message meant for the user printed as one line, and its exit status."""
    try:
        return run(**given)
    except UserError as exc:
        warn(str(exc))
        return exc.status


def read_config(path: Path | None) -> Config:
    """The configuration given with ``--config`` (or found upwards), its rule ids checked."""
    from .rules import REGISTRY

    config = load_config(path)
    config.check_rule_ids(set(REGISTRY))
    return config


def run(
    paths: list[str],
    format: Format | str = Format.text,
    no_llm: bool = False,
    jobs: int = 1,
    config: Path | None = None,
    previous: str | None = None,
    max_size_mb: float | None = None,
    timeout: float | None = None,
    output: Path | None = None,
    sort: SortBy | str = SortBy.input,
    min_severity: MinSeverity | str = MinSeverity.info,
    allow_host: list[str] | None = None,
    ocr: bool | None = None,
) -> int:
    """Review ``paths`` as ``nianbao review`` does; the exit status. A ``UserError`` is the caller's
    to print; after SIGINT/SIGTERM the process exits here (``_exit_now``)."""
    from .batch import Stop, collect, stream
    from .narrative import make_reviewer
    from .rules.cross_year_rules import follows

    format, sort, min_severity = Format(format), SortBy(sort), MinSeverity(min_severity)  # given by name too
    if ocr is not None:  # through the environment: the batch's worker processes inherit it
        os.environ["NIANBAO_OCR"] = "1" if ocr else "0"
    cfg = read_config(config)
    given: dict[str, Any] = {"max_size_mb": max_size_mb, "report_timeout": timeout}
    cfg = dataclasses.replace(cfg, **{k: v for k, v in given.items() if v is not None})
    files = collect(paths)
    if not files:
        raise UserError(
            "没有找到可审阅的报告文件（支持 .txt .md .docx .pdf .html .htm .doc .wps .rtf 和 http(s) 链接）"
        )
    if format in _NEEDS_OUTPUT and output is None:
        raise UserError(_NEEDS_OUTPUT[format])
    single, status = len(files) == 1, 0
    allow = tuple(allow_host or ())
    with Stop() as stop:  # from here on SIGINT/SIGTERM stop the batch; what is finished is still written
        prior = _previous(previous, cfg, stop, allow) if previous is not None else None
        narrative = make_reviewer(no_llm=no_llm)  # an invalid NIANBAO_LLM_* variable stops here
        unpaired = prior is not None
        # text on the terminal already says everything: no progress bar through it, no second
        # mention of an unreadable file or of the totals on stderr
        readable_here = format == Format.text and output is None and sys.stdout.isatty()
        # started before the output is set up: for a single report, importing and opening that
        # runs beside its review (stream)
        with contextlib.closing(stream(files, cfg, jobs, narrative, prior, stop, allow)) as outcomes:
            from .summary import Summary, shown_review

            with (
                Summary(len(files), sort.value, min_severity.value) as summary,
                _output(format, output, single) as writer,
            ):
                with _progress(0 if readable_here else len(files)) as tick:
                    # each outcome is written as it comes, then dropped: the batch's size costs no memory here
                    for index, o in enumerate(outcomes, 1):
                        summary.add(index, o.path, o.review, o.error)
                        if o.review:
                            writer.review(index, shown_review(o.review, min_severity.value))
                            r = o.review.report
                            unpaired = (  # (unpaired implies prior: the check narrows it)
                                unpaired
                                and prior is not None
                                and not follows(r.issuer, r.year, prior.meta.issuer, prior.meta.year)
                            )
                        elif o.error:
                            if not readable_here:
                                warn(f"{o.path}: {o.error}")
                            writer.unreadable(index, o.path, o.error)
                        status = max(status, o.status) if o.finished else status
                        tick()
                if stop.signum:
                    summary.interrupted = signal.Signals(stop.signum).name
                writer.finish(summary)
                if output is not None:  # the output went to a file: the summary is shown here
                    _text_writer(sys.stdout, single).finish(summary)
        if unpaired and prior is not None:  # (unpaired implies prior)
            warn(
                f"--previous 是 {prior.meta.issuer or '未识别机关'} {prior.meta.year or '未知'} 年度的报告，"
                "不是任何输入报告的上一年度报告，未做跨年核对"
            )
        if stop.signum:
            warn(
                f"已中断（{summary.interrupted}）：已完成的审阅已输出，其余 {summary.totals.unfinished} 份未审阅"
            )
        if not single and not readable_here:
            from .export.text import verdicts_line

            say(verdicts_line(summary))
    if stop.signum:
        _exit_now(128 + stop.signum)
    return status


def _previous(path: str, cfg: Config, stop: Stop, allow: tuple[str, ...]) -> Extraction | None:
    from .batch import read_previous

    result = read_previous(path, cfg, stop, allow)
    if isinstance(result, str):
        raise UserError(f"--previous {path}: {result}")
    return result


_OS_REASONS = {
    errno.ENOENT: "所在文件夹不存在",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "已有同名文件",
    errno.ENOSPC: "磁盘已满",
    errno.EROFS: "只读文件系统",
}


def _reason(exc: OSError) -> str:
    """Why a file cannot be written, in Chinese (the system's own text is English)."""
    return _OS_REASONS.get(exc.errno or 0) or exc.strerror or exc.__class__.__name__


@contextlib.contextmanager
def _output(format: Format, output: Path | None, single: bool) -> Iterator[Writer]:
    """The writer of ``format``, to ``output`` or stdout; closed (and the file complete) however the batch ends."""
    if format == Format.xlsx:
        from .export.xlsx import XlsxWriter

        path = _required_output(format, output)
        try:  # openpyxl writes only at the end: a path it cannot write must fail before the batch
            path.open("wb").close()
        except OSError as exc:
            raise UserError(f"{output}：无法写入（{_reason(exc)}）") from None
        yield XlsxWriter(path, single, shown)
        return
    if format == Format.html:
        from .render.html import HtmlWriter

        try:
            writer = HtmlWriter(_required_output(format, output))
        except OSError as exc:
            raise UserError(f"{output}：无法创建文件夹（{_reason(exc)}）") from None
        yield writer
        return
    with contextlib.ExitStack() as files:
        try:
            stream = (
                sys.stdout
                if output is None
                else files.enter_context(open(output, "w", encoding="utf-8", newline=""))
            )
        except OSError as exc:
            raise UserError(f"{output}：无法写入（{_reason(exc)}）") from None
        if format == Format.text:
            yield _text_writer(stream, single)
        elif format == Format.markdown:
            from .export.text import MarkdownWriter

            yield MarkdownWriter(stream, single, shown)
        elif format == Format.csv:
            from .export.csvfile import CsvWriter

            yield CsvWriter(stream, single)
        else:
            from .export.jsonfile import JsonlWriter, JsonWriter

            yield (JsonWriter if format == Format.json else JsonlWriter)(stream, single)


def _required_output(format: Format, output: Path | None) -> Path:
    """``-o`` of a format that needs it: review() refuses its absence before any work, and so does this."""
    if output is None:
        raise UserError(_NEEDS_OUTPUT[format])
    return output


def _text_writer(stream, single: bool) -> Writer:
    from .export.text import text_writer

    return text_writer(stream, single, shown)


def _exit_now(code: int) -> None:
    """Exit at once after SIGINT/SIGTERM: an LLM request still under way would otherwise hold the
    exit until it ends (the interpreter waits for its thread)."""
    with contextlib.suppress(OSError):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_SPELLED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def shown(text: str) -> str:
    """``text`` with every character that would act on a terminal, start a line or reorder the
    text spelled out (\\n, \\x1b, \\u202e): whoever named a file chose its name."""
    return _CONTROLS.sub(_spelled, text)


def _spelled(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return _SPELLED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


class _progress:
    """A progress bar on a terminal for batches; nothing when stderr is not a TTY."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self):
        if self.total > 1 and is_terminal(sys.stderr):
            from rich.console import Console
            from rich.progress import Progress

            console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
            self.bar = Progress(console=console, transient=True)
            self.bar.start()
            task = self.bar.add_task("审阅中", total=self.total)
            return lambda: self.bar.advance(task)
        return lambda: None

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()
