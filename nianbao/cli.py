"""``nianbao`` command line (spec review-output.md): the core commands ``review`` and ``rules``.
Other modules (the bot, the eval, the LLM check) bring their own commands, listed in ``PLUGINS``.
Importing this module must stay cheap: langchain, openai and slack are imported only by the
commands that use them."""

from __future__ import annotations

import importlib
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from . import cli_zh
from .errors import UserError
from .review_command import Format, MinSeverity, SortBy, guarded, read_config, run, shown, warn

if TYPE_CHECKING:
    from typer._click.core import Command, Context

__all__ = [
    "PLUGINS",
    "app",
    "main",
    "read_config",
    "shown",
    "warn",
]  # the plugins' commands print as the core's

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
        str | None,  # not a Path: a link's // would collapse
        typer.Option("--previous", metavar="PATH", help="同一机关上一年度的报告文件或链接（跨年核对）"),
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
    raise typer.Exit(
        run(
            paths,
            format,
            no_llm,
            jobs,
            config,
            previous,
            max_size_mb,
            timeout,
            output,
            sort,
            min_severity,
            allow_host,
            ocr,
        )
    )


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
    """The typer CLI for any command line (the program itself is ``entry.main``, which reads a
    plain review command line without it)."""
    guarded(app)
