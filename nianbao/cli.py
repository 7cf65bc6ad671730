"""``nianbao`` command line (spec review-output.md). Importing this module must stay cheap:
langchain, openai and slack are imported only by the commands that use them."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

from .config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from bot.units import Unit
    from extractors.extract import Extraction

    from .batch import Stop

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="nianbao：政府信息公开工作年度报告审阅工具")
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def _warn(message: str) -> None:
    err.print(f"nianbao: {shown(message)}", markup=False)


def _fail(message: str, code: int = 2) -> None:
    _warn(message)
    raise typer.Exit(code)


def _config(path: Optional[Path]) -> Config:
    from .rules import REGISTRY

    try:
        config = load_config(path)
        config.check_rule_ids(set(REGISTRY))
        return config
    except ConfigError as exc:
        _fail(str(exc))


def _narrative(no_llm: bool):
    from .narrative import make_reviewer

    try:
        return make_reviewer(no_llm=no_llm)
    except ConfigError as exc:  # an invalid NIANBAO_LLM_* variable
        _fail(str(exc))


@app.command()
def review(
    paths: Annotated[list[str], typer.Argument(help="报告文件或文件夹（递归）", show_default=False)],
    format: Annotated[Format, typer.Option("--format", "-f", help="输出格式")] = Format.text,
    no_llm: Annotated[bool, typer.Option("--no-llm", help="不调用大模型，叙述部分用启发式检查")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, max=64, help="并行审阅的报告数")] = 1,
    config: Annotated[Optional[Path], typer.Option("--config", help="配置文件（nianbao.toml 或 pyproject.toml）")] = None,
    previous: Annotated[Optional[Path], typer.Option("--previous", help="同一机关上一年度的报告（跨年核对）")] = None,
    max_size_mb: Annotated[Optional[float], typer.Option("--max-size-mb", min=0.001, help="单个文件大小上限（MB）")] = None,
    timeout: Annotated[Optional[float], typer.Option(
        "--timeout", min=0.001, max=86400, help="单份报告的处理时限（秒，默认 60），超时即停止审阅该文件")] = None,
) -> None:
    """审阅报告：表格勾稽、结构、日期、联系方式、个人信息和叙述部分。退出码：0 无错误，1 有错误，2 无法读取，
    130/143 被 Ctrl-C / SIGTERM 中断（已完成的审阅照常输出）。"""
    from .batch import Stop, collect, review_paths

    cfg = _config(config)
    given = {"max_size_mb": max_size_mb, "report_timeout": timeout}
    cfg = cfg.model_copy(update={k: v for k, v in given.items() if v is not None})
    files = collect(paths)
    if not files:
        _fail("没有找到可审阅的报告文件（支持 .txt .md .docx .pdf .html .htm .doc .wps .rtf）")
    with Stop() as stop:  # from here on SIGINT/SIGTERM stop the batch; what is finished is still printed
        prior = _previous(previous, cfg, stop) if previous is not None else None
        narrative = _narrative(no_llm)
        with _progress(len(files)) as tick:
            outcomes = review_paths(files, cfg, jobs, narrative, prior, tick, stop)
        _print_outcomes(outcomes, format, prior, single=len(files) == 1)
        if stop.signum:
            _warn(f"已中断（{signal.Signals(stop.signum).name}）：已完成的审阅已输出，"
                  f"其余 {sum(not o.finished for o in outcomes)} 份未审阅")
        if len(files) > 1:
            _summary(outcomes)
    if stop.signum:
        _exit_now(128 + stop.signum)
    raise typer.Exit(max(o.status for o in outcomes))


def _previous(path: Path, cfg: Config, stop: Stop) -> Extraction | None:
    from .batch import read_previous

    result = read_previous(str(path), cfg, stop)
    if isinstance(result, str):
        _fail(f"{path}: {result}")
    return result


def _print_outcomes(outcomes, format: Format, prior: Extraction | None, single: bool) -> None:
    from .render import text as text_render
    from .render.markdown import render as render_markdown
    from .rules.cross_year_rules import follows

    for o in outcomes:
        if o.error:
            _warn(f"{o.path}: {o.error}")
    reviews = [o.review for o in outcomes if o.review]
    if format == Format.json:
        _write_json(reviews, single)
    elif format == Format.markdown:
        sys.stdout.write("\n---\n\n".join(render_markdown(_path_shown(r)) for r in reviews))
    else:
        out = Console(highlight=False, soft_wrap=True, emoji=False)  # long Chinese lines wrap in the terminal
        for r in reviews:
            text_render.render(_path_shown(r), out)
    if prior is not None and not any(follows(r.report.issuer, r.report.year, prior.meta.issuer, prior.meta.year)
                                     for r in reviews):
        _warn(f"--previous 是 {prior.meta.issuer or '未识别机关'} {prior.meta.year or '未知'} 年度的报告，"
              "不是任何输入报告的上一年度报告，未做跨年核对")


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


def _path_shown(review):
    """The review with its file name made safe for the terminal (JSON escapes it by itself)."""
    return review.model_copy(update={"source": review.source.model_copy(update={"path": shown(review.source.path)})})


def _write_json(reviews, single: bool) -> None:
    """One object for one input, else an array — written review by review, so a batch of
    hundreds never holds all its JSON in memory at once."""
    def dump(review) -> str:
        return json.dumps(review.to_json_dict(), ensure_ascii=False, indent=2)

    if single:  # an unreadable single input prints nothing: stderr said why
        if reviews:
            sys.stdout.write(dump(reviews[0]) + "\n")
        return
    sys.stdout.write("[")
    for i, review in enumerate(reviews):
        sys.stdout.write(("," if i else "") + "\n" + dump(review))
    sys.stdout.write("\n]\n")


class _progress:
    """A progress bar on a terminal for batches; nothing when stderr is not a TTY."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self):
        if self.total > 1 and err.is_terminal:
            from rich.progress import Progress

            self.bar = Progress(console=err, transient=True)
            self.bar.start()
            task = self.bar.add_task("审阅中", total=self.total)
            return lambda: self.bar.advance(task)
        return lambda: None

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()


def _summary(outcomes) -> None:
    counts = {"pass": 0, "warn": 0, "fail": 0}
    for o in outcomes:
        if o.review:
            counts[o.review.verdict] += 1
    unreadable = sum(1 for o in outcomes if o.error)
    unfinished = sum(not o.finished for o in outcomes)
    err.print(f"共 {len(outcomes)} 份：通过 {counts['pass']}，有警告 {counts['warn']}，不通过 {counts['fail']}，"
              f"无法读取 {unreadable}" + (f"，未审阅（已中断）{unfinished}" if unfinished else ""), markup=False)


@app.command()
def rules(rule_id: Annotated[Optional[str], typer.Argument(help="规则编号，例如 t3-balance-mismatch")] = None) -> None:
    """列出全部规则，或解释一条规则。"""
    from .rules import REGISTRY
    from .rules.registry import DETECTIONS

    out = Console(highlight=False, soft_wrap=True)
    if rule_id is None:
        width = max(len(r) for r in REGISTRY)
        for r in sorted(REGISTRY.values(), key=lambda r: r.id):
            out.print(f"{r.id:<{width}}  {r.severity:<7}  {r.detection:<3}  {r.summary}", markup=False)
        return
    rule = REGISTRY.get(rule_id)
    if rule is None:
        close = [r for r in REGISTRY if rule_id in r]
        _fail(f"没有规则「{rule_id}」" + (f"；是否指：{', '.join(close)}" if close else "；nianbao rules 列出全部规则"))
    out.print(f"{rule.id}  （{rule.severity}，{'第' + rule.part + '部分' if rule.part else '全文'}，"
              f"{DETECTIONS[rule.detection]}）\n", markup=False)
    out.print(rule.doc, markup=False)


@app.command()
def serve(
    http: Annotated[bool, typer.Option("--http", help="用 HTTP 接收事件（需公网地址和 SLACK_SIGNING_SECRET）；默认 Socket Mode")] = False,
    host: Annotated[Optional[str], typer.Option(
        "--host", help="HTTP 模式监听的 IP 地址（默认 127.0.0.1，放在反向代理之后；0.0.0.0 为所有网卡）")] = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="HTTP 模式的端口")] = 3000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="同时审阅的报告数")] = 4,
    allow_host: Annotated[Optional[list[str]], typer.Option(
        "--allow-host", help="/review <链接> 允许访问的内网主机名、IP 或网段（可重复）")] = None,
    db: Annotated[Optional[str], typer.Option("--db", help="数据库：SQLAlchemy URL 或 SQLite 文件路径（覆盖 DATABASE_URL）")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="配置文件（nianbao.toml 或 pyproject.toml）")] = None,
    digest: Annotated[Optional[str], typer.Option(
        "--digest", help='每周定时发周报，例如 "MON 09:00"（北京时间，可在后面加时区）；与 nianbao digest --post 不会重复发送')] = None,
    units: Annotated[Optional[Path], typer.Option("--units", envvar="NIANBAO_UNITS", help="周报用：应提交报告的单位名单")] = None,
) -> None:
    """运行 Slack 机器人：自动审阅频道里分享的报告，并提供 /review 命令。令牌从环境变量读取（见 docs/slack.md）。"""
    from bot.app import run
    from bot.config import Settings, SettingsError

    cfg = _config(config)
    schedule = None
    if digest:
        from bot.digest_schedule import Schedule, start_digests

        try:
            schedule = Schedule.parse(digest)
        except ValueError as exc:
            _fail(str(exc))
    expected = _units(units)
    try:
        settings = Settings.from_env(http=http, host=host, port=port, workers=workers, allow_hosts=allow_host or (),
                                     db=db)
        run(settings, cfg, partial(start_digests, schedule, settings, cfg, expected) if schedule else None)
    except SettingsError as exc:
        _fail(str(exc))


def _units(path: Optional[Path]) -> list[Unit] | None:
    from bot.units import UnitsError, load_units

    try:
        return load_units(path) if path else None
    except UnitsError as exc:
        _fail(str(exc))


@app.command()
def digest(
    channel: Annotated[Optional[list[str]], typer.Option(
        "--channel", "-c", help="频道 ID（可重复）；默认：近 8 周有审阅的频道和单位名单里的频道")] = None,
    week: Annotated[Optional[str], typer.Option(
        "--week", help="ISO 周，例如 2027-W02；默认上一个完整的周（周一至周日，北京时间）")] = None,
    post: Annotated[bool, typer.Option("--post/--print", help="发送到频道（同一频道同一周只发一次），或打印到终端")] = False,
    units: Annotated[Optional[Path], typer.Option(
        "--units", envvar="NIANBAO_UNITS", help="应提交报告的单位名单（每行“单位名称[,频道 ID]”，或 .csv / .toml）")] = None,
    skip_empty: Annotated[bool, typer.Option("--skip-empty", help="本周没有审阅时不发送")] = False,
    year: Annotated[Optional[int], typer.Option(
        "--year", min=2019, max=2100, help="报告年度；默认按周推算（1–6 月为上一年，7–12 月为当年）")] = None,
    db: Annotated[Optional[str], typer.Option("--db", help="数据库：SQLAlchemy URL 或 SQLite 文件路径（覆盖 DATABASE_URL）")] = None,
    config: Annotated[Optional[Path], typer.Option(
        "--config", help="配置文件（截止日期 deadline / government-deadline）")] = None,
) -> None:
    """审阅周报：审阅数量和结论、仍有错误的单位、常见问题、大模型用量、未提交的单位和剩余天数。每周一由 cron 运行（见 docs/slack.md）。"""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.config import Settings, SettingsError, sqlite_file, store_url
    from bot.digest import Week, WeekError, active_channels, compute, read_rows
    from bot.digest_post import FAILED, run_digests, utc_now
    from bot.digest_render import digest_text
    from bot.store import Store
    from bot.units import CHANNEL_ID

    cfg = _config(config)
    now = utc_now()
    try:
        the_week = Week.parse(week) if week else Week.last_completed(now)
        settings = Settings.from_env(db=db, events=False) if post else None
    except (WeekError, SettingsError) as exc:
        _fail(str(exc))
    for c in channel or ():
        if not CHANNEL_ID.fullmatch(c):
            _fail(f"--channel「{c}」应为频道 ID，例如 C0123ABCD（在 Slack 的频道详情底部复制）")
    expected = _units(units)
    url = settings.database_url if settings else store_url(db)
    if not post and (path := sqlite_file(url)) and not path.exists():  # opening it would create an empty store
        _fail(f"找不到数据库文件 {path.resolve()}：请用 --db 或环境变量 DATABASE_URL 指向机器人（nianbao serve）"
              "使用的数据库（SQLite 文件路径或 postgresql:// URL）")
    outcomes, texts = [], []
    try:
        store = Store(url)
        try:
            channels = channel or active_channels(store, the_week, expected)
            if post and channels:
                from bot.app import make_client

                outcomes = run_digests(store, make_client(settings), the_week, now, config=cfg, channels=channels,
                                       units=expected, year=year, skip_empty=skip_empty)
            elif channels:
                texts = [digest_text(compute(read_rows(store, c, the_week, now, year), c, the_week, now, config=cfg,
                                             units=expected, year=year)) for c in channels]
        finally:
            store.close()
    except SQLAlchemyError as exc:
        _fail(f"无法读写数据库 {make_url(url).render_as_string(hide_password=True)}（{exc.__class__.__name__}）")
    if not channels:
        err.print(f"nianbao: 截至 {the_week} 的 8 周里没有审阅记录，单位名单里也没有频道：请用 --channel 指定频道",
                  markup=False)
    sys.stdout.write("".join(texts))
    for o in outcomes:
        err.print(f"nianbao: {o.message}", markup=False)
    raise typer.Exit(1 if any(o.status == FAILED for o in outcomes) else 0)


@app.command("eval")
def eval_command(
    record: Annotated[bool, typer.Option(
        "--record", help="为缺少或过期录制的用例调用已配置的大模型（OPENAI_BASE_URL / OPENAI_API_KEY / NIANBAO_MODEL）并写入录制")] = False,
    update_golden: Annotated[bool, typer.Option("--update-golden", help="显示差异后，用本次结果重写 expected.json")] = False,
    report: Annotated[Optional[Path], typer.Option("--report", help="把评分另写成 Markdown 文件")] = None,
    case: Annotated[Optional[list[str]], typer.Option("--case", help="只运行这个用例（可重复）")] = None,
    cases: Annotated[Optional[Path], typer.Option("--cases", help="用例目录，默认 eval/cases")] = None,
) -> None:
    """金标准评测：回放录制的大模型回答审阅每个用例，与 expected.json 逐项比较，按规则给出精确率和召回率。
    退出码：0 全部一致，1 有差异或缺少录制，2 用法错误。"""
    from eval.cases import ROOT, CaseError, load_cases
    from eval.render import markdown, text
    from eval.runner import run
    from eval.scores import score

    from .narrative.settings import LLMSettings

    settings = None
    if record:
        try:
            settings = LLMSettings.from_env()
        except ConfigError as exc:
            _fail(str(exc))
        if settings is None:
            _fail("--record 需要配置大模型：设置 OPENAI_BASE_URL 和/或 OPENAI_API_KEY，以及 NIANBAO_MODEL")
    try:
        outcomes = run(load_cases(cases or ROOT, case), settings, update_golden)
    except CaseError as exc:
        _fail(str(exc))
    scores = score(outcomes)
    sys.stdout.write(text(outcomes, scores))
    if report is not None:
        try:
            report.write_text(markdown(outcomes, scores), encoding="utf-8")
        except OSError as exc:
            _fail(f"{report}：无法写入（{exc.strerror or exc.__class__.__name__}）")
    raise typer.Exit(0 if all(o.ok for o in outcomes) else 1)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("nianbao: 已中断")
        sys.exit(130)
    except Exception as exc:  # a bug: one line for the user instead of a traceback
        err.print(f"nianbao: 内部错误（{exc.__class__.__name__}: {exc}）；请把命令和输入文件报告给维护者", markup=False)
        sys.exit(2)
