"""Chinese for what typer and its bundled click print themselves: help headings, the help option,
value types, usage lines and usage errors.

typer passes its own headings through gettext, whose catalogue follows the environment's locale
(rarely Chinese on an office's server), and the click it bundles prints fixed English. So ``install``
gives typer's gettext a lookup in MESSAGES, and wraps the few places of the bundled click that
print: the help option's text, the usage prefix, the type shown after an option, a usage error, and
the line breaking of help texts (click counts a Chinese character as one column and breaks only at
spaces). Every wrapper keeps the library's behaviour and only changes words or widths; anything it
does not know stays as the library wrote it."""

from __future__ import annotations

import re
import sys
from itertools import pairwise

import typer.core
from rich.cells import cell_len
from typer._click import core as click_core
from typer._click import exceptions as click_exceptions
from typer._click import formatting
from typer._click._compat import strip_ansi
from typer._click.formatting import HelpFormatter
from typer._click.utils import echo

from .render.wrap import breaks

HELP = "显示本帮助并退出。"
MESSAGES = {  # typer's gettext messages
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}",
    "Aborted!": "已中止。",
    "(dynamic)": "（动态）",
}
# the value an option takes, by the type typer would show in angle brackets
TYPES = {
    "path": "路径",
    "file": "文件",
    "directory": "文件夹",
    "int": "整数",
    "int range": "整数",
    "float": "数值",
    "float range": "数值",
    "str": "文本",
    "list[str]": "文本",
}
# usage errors of the bundled click (fixed English), most specific first
ERRORS = [
    (r"Missing argument '(.+)'\.", r"缺少参数 \1"),
    (r"Missing option '(.+)'\.", r"缺少选项 \1"),
    (r"No such option: (\S+)", r"没有选项 \1"),
    (r"Option '(.+)' requires an argument\.", r"选项 \1 需要一个值"),
    (r"Option '(.+)' does not take a value\.", r"选项 \1 不带值"),
    (r"Got unexpected extra arguments? \((.*)\)", r"多余的参数：\1"),
    (r"Invalid value for (.+?): ", r"\1 的值无效："),
    (r"Input should be greater than or equal to (\S+)", r"应不小于 \1"),
    (r"Input should be less than or equal to (\S+)", r"应不大于 \1"),
    (r"Input should be greater than (\S+)", r"应大于 \1"),
    (r"Input should be less than (\S+)", r"应小于 \1"),
    (r"Input should be a valid integer.*", r"应为整数"),
    (r"Input should be a valid number.*", r"应为数值"),
    (r"Value '([^']*)' is not a valid (int|integer)\.", r"「\1」不是整数"),
    (r"Value '([^']*)' is not a valid float\.", r"「\1」不是数值"),
    (r"Value error, ", ""),
    (r"'([^']*)' is not one of (.*)\.", r"「\1」不是 \2 之一"),
    (r"'([^']*)' is not (.*)\.", r"「\1」不是 \2"),
    (r"[.。]? ?Did you mean (.*)\?", r"；是否指 \1？"),
    (r" ?\(Possible options: (.*)\)", r"；是否指 \1？"),
]


def error_zh(message: str) -> str:
    for pattern, replacement in ERRORS:
        message = re.sub(pattern, replacement, message)
    return message


_USAGE = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]…", "...": "…"}


class _Formatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, chinese in _USAGE.items():
            args = args.replace(english, chinese)
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


def _term_len(text: str) -> int:
    """Columns, not characters: a Chinese character takes two, so help columns line up."""
    return cell_len(strip_ansi(text))


def _joined(lines: list[str]) -> str:
    """A docstring paragraph's lines as one: a space between Latin words, none between Chinese ones."""
    out = ""
    for line in (line.strip() for line in lines):
        glue = " " if out and line and out[-1].isascii() and line[0].isascii() else ""
        out += glue + line
    return out


def _wrap_text(
    text: str,
    width: int = 78,
    initial_indent: str = "",
    subsequent_indent: str = "",
    preserve_paragraphs: bool = False,
) -> str:
    """click's wrap_text, counting columns and breaking Chinese between characters (render.wrap):
    its own breaks only at spaces and counts a Chinese character as one column."""
    room = max(width - max(_term_len(initial_indent), _term_len(subsequent_indent)), 10)
    paragraphs = re.split(r"\n\s*\n", text) if preserve_paragraphs else [text]
    out = []
    for paragraph in paragraphs:
        flat = _joined(paragraph.splitlines())
        cuts = [0, *breaks(flat, room), len(flat)]
        lines = [flat[a:b].rstrip() for a, b in pairwise(cuts)]
        out.append(
            "\n".join((subsequent_indent if i else initial_indent) + line for i, line in enumerate(lines))
        )
    return "\n\n".join(out)


def _short_help(help: str, max_length: int = 45) -> str:
    """A command's line in the command list: its first sentence, cut to fit (click cuts at spaces,
    which a Chinese sentence has none of)."""
    first = _joined(help.split("\n\n", 1)[0].splitlines())
    first = re.split(r"(?<=[。.])", first, maxsplit=1)[0]
    if _term_len(first) <= max_length:
        return first
    while _term_len(first) > max_length - 1:
        first = first[:-1]
    return first + "…"


def _help_option(original):
    def get_help_option(self, ctx):
        option = original(self, ctx)
        if option is not None:
            option.help = HELP
        return option

    return get_help_option


def _display_type(original):
    def display_type(self, ctx) -> str:
        if self.metavar:  # an argument's own name says what to give (文件或文件夹)
            return ""
        shown = original(self, ctx)
        label = shown[1:-1] if shown.startswith("<") and shown.endswith(">") else shown
        return TYPES.get(label, label)  # choices stay as they are typed: text|json|markdown

    return display_type


def _show(self, file=None) -> None:
    """A usage error: the usage line, the help hint and the error, in Chinese, on stderr."""
    file = file or sys.stderr
    if self.ctx is not None:
        echo(self.ctx.get_usage(), file=file)
        if self.ctx.command.get_help_option(self.ctx) is not None:
            echo(f"运行「{self.ctx.command_path} {self.ctx.help_option_names[0]}」查看帮助。", file=file)
        echo("", file=file)
    echo(f"错误：{error_zh(self.format_message())}", file=file)


def install() -> None:
    if click_core.Context.formatter_class is _Formatter:  # installed already: wrap once only
        return
    typer.core._ = lambda message: MESSAGES.get(message, message)
    click_core.Context.formatter_class = _Formatter
    formatting.term_len = _term_len  # type: ignore[assignment]
    formatting.wrap_text = _wrap_text
    click_core.make_default_short_help = _short_help
    click_core.Command.get_help_option = _help_option(click_core.Command.get_help_option)  # type: ignore[method-assign]
    typer.core._TyperParameter.display_type = _display_type(  # type: ignore[method-assign]
        typer.core._TyperParameter.display_type
    )
    click_exceptions.UsageError.show = _show  # type: ignore[method-assign]
