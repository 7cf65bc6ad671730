"""``nianbao`` command line (spec review-output.md): the core commands ``review`` and ``rules``.
Other modules (the bot, the eval, the LLM check) bring their own commands, listed in ``PLUGINS``.
Importing this module must stay cheap: langchain, openai and slack are imported only by the
commands that use them."""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import re
import signal
import sys
from collections.abc import Iterator
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from . import cli_zh
from .config import Config, load_config
from .errors import UserError

if TYPE_CHECKING:
    from rich.console import Console
    from typer._click.core import Command, Context

    from extractors.extract import Extraction

    from .batch import Stop
    from .export import Writer

# Commands other modules bring, by name: the bot and the eval (layers above this one, which this
# module must not import) and the narrative layer's LLM check. Each module has an ``app`` of its
# own and is imported only when its command runs or the help lists it, so ``nianbao review`` never
# pays for them.
PLUGINS = {"serve": "bot.cli", "digest": "bot.cli", "eval": "eval.cli", "llm": "nianbao.narrative.cli"}


class _Commands(TyperGroup):
    """The core commands, the plugins' commands loaded on demand, and every ``UserError`` turned
    into one line on stderr and its exit status (also for tests that invoke ``app`` directly)."""

    def list_commands(self, ctx: Context) -> list[str]:
        return [*(name for name in self.commands if name not in PLUGINS), *PLUGINS]

    def get_command(self, ctx: Context, name: str) -> Command | None:
        if name not in self.commands:
            # a plugin's name loads its module; an unknown one loads them all, so that "Did you
            # mean …?" covers their commands too
            for module in [PLUGINS[name]] if name in PLUGINS else dict.fromkeys(PLUGINS.values()):
                self.commands.update(typer.main.get_group(importlib.import_module(module).app).commands)
        return self.commands.get(name)

    def invoke(self, ctx: Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            warn(str(exc))
            raise typer.Exit(exc.status) from None


cli_zh.install()  # click's and typer's own messages (help headings, usage errors) in Chinese

app = typer.Typer(
    cls=_Commands,
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="nianbao：政府信息公开工作年度报告审阅工具",
)


@cache
def err() -> Console:
    """The console for messages, made on first use: importing rich costs start-up time that a
    review printed as JSON or Markdown need not pay."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


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
    err().print(f"nianbao: {shown(message)}", markup=False)


def read_config(path: Path | None) -> Config:
    """The configuration given with ``--config`` (or found upwards), its rule ids checked."""
    from .rules import REGISTRY

    config = load_config(path)
    config.check_rule_ids(set(REGISTRY))
    return config


@app.command()
def review(
    paths: Annotated[
        list[str], typer.Argument(metavar="文件或文件夹", help="报告文件或文件夹（递归）", show_default=False)
    ],
    format: Annotated[Format, typer.Option("--format", "-f", help="输出格式")] = Format.text,
    no_llm: Annotated[bool, typer.Option("--no-llm", help="不调用大模型，叙述部分用启发式检查")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, max=64, help="并行审阅的报告数")] = 1,
    config: Annotated[
        Path | None, typer.Option("--config", help="配置文件（nianbao.toml 或 pyproject.toml）")
    ] = None,
    previous: Annotated[
        Path | None, typer.Option("--previous", help="同一机关上一年度的报告（跨年核对）")
    ] = None,
    max_size_mb: Annotated[
        float | None, typer.Option("--max-size-mb", min=0.001, help="单个文件大小上限（MB）")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout", min=0.001, max=86400, help="单份报告的处理时限（秒，默认 60），超时即停止审阅该文件"
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="写入这个文件（xlsx 必须指定）；html 写入这个文件夹（必须指定）。标准输出只显示批量汇总",
        ),
    ] = None,
    sort: Annotated[
        SortBy,
        typer.Option(
            "--sort",
            help="批量汇总的顺序：input 输入顺序，verdict 结论（无法读取、不通过在前），unit 单位，rule 主要问题的规则",
        ),
    ] = SortBy.input,
    min_severity: Annotated[
        MinSeverity,
        typer.Option(
            "--min-severity", help="只列出此级别及以上的问题：info、warning 或 error（结论和计数不变）"
        ),
    ] = MinSeverity.info,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host", help="审阅链接时允许访问的内网主机名、IP 或网段（可重复）；默认只访问公网地址"
        ),
    ] = None,
    ocr: Annotated[
        bool | None,
        typer.Option(
            "--ocr/--no-ocr",
            help="扫描件（无文字层的 PDF 页、图片）是否用 OCR 识别；默认识别，或按环境变量 NIANBAO_OCR",
        ),
    ] = None,
) -> None:
    """审阅报告：表格勾稽、结构、日期、联系方式、个人信息和叙述部分。退出码：0 无错误，1 有错误，2 无法读取，
    130/143 被 Ctrl-C / SIGTERM 中断（已完成的审阅照常输出）。"""
    from .batch import Stop, collect, stream
    from .narrative import make_reviewer
    from .rules.cross_year_rules import follows
    from .summary import Summary, shown_review

    if ocr is not None:  # through the environment: the batch's worker processes inherit it
        os.environ["NIANBAO_OCR"] = "1" if ocr else "0"
    cfg = read_config(config)
    given = {"max_size_mb": max_size_mb, "report_timeout": timeout}
    cfg = cfg.model_copy(update={k: v for k, v in given.items() if v is not None})
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
        with (
            Summary(len(files), sort.value, min_severity.value) as summary,
            _output(format, output, single) as writer,
        ):
            with _progress(0 if readable_here else len(files)) as tick:
                # each outcome is written as it comes, then dropped: the batch's size costs no memory here
                for index, o in enumerate(stream(files, cfg, jobs, narrative, prior, stop, allow), 1):
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

            err().print(verdicts_line(summary), markup=False)
    if stop.signum:
        _exit_now(128 + stop.signum)
    raise typer.Exit(status)


def _previous(path: Path, cfg: Config, stop: Stop, allow: tuple[str, ...]) -> Extraction | None:
    from .batch import read_previous

    result = read_previous(str(path), cfg, stop, allow)
    if isinstance(result, str):
        raise UserError(f"{path}: {result}")
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
    from rich.console import Console

    from .export.text import TextWriter
    from .render import text as text_render

    console = (
        text_render.console()
        if stream is sys.stdout
        else Console(file=stream, highlight=False, emoji=False, soft_wrap=True)
    )
    return TextWriter(console, single, shown)


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
        if self.total > 1 and err().is_terminal:
            from rich.progress import Progress

            self.bar = Progress(console=err(), transient=True)
            self.bar.start()
            task = self.bar.add_task("审阅中", total=self.total)
            return lambda: self.bar.advance(task)
        return lambda: None

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()


class DocFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command()
def rules(
    rule_id: Annotated[
        str | None, typer.Argument(metavar="规则编号", help="例如 t3-balance-mismatch；不写则列出全部规则")
    ] = None,
    format: Annotated[
        DocFormat, typer.Option("--format", "-f", help="输出格式：text、markdown 或 json")
    ] = DocFormat.text,
) -> None:
    """列出全部规则，或说明一条规则（做什么、为什么、示例、如何改正）。"""
    from .rules import REGISTRY
    from .rules.docs import LISTING, ONE, ordered

    if rule_id is None:
        print(LISTING[format.value](ordered()))
        return
    wanted = rule_id.strip().lower()
    # an id in any case, or the spec's code a rule's summary cites (R-T3-BAL)
    found = [r for r in REGISTRY.values() if wanted == r.id or wanted in r.spec.lower().split()]
    rule = found[0] if len(found) == 1 else None
    if rule is None:
        close = [r.id for r in found] or [r for r in REGISTRY if wanted in r]
        raise UserError(
            f"没有规则「{rule_id}」"
            + (f"；是否指：{', '.join(close)}" if close else "；nianbao rules 列出全部规则")
        )
    print(ONE[format.value](rule))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err().print("nianbao: 已中断")
        sys.exit(130)
    except Exception as exc:  # a bug: one line for the user instead of a traceback
        err().print(
            f"nianbao: 内部错误（{exc.__class__.__name__}: {exc}）；请把命令和输入文件报告给维护者",
            markup=False,
        )
        sys.exit(2)
