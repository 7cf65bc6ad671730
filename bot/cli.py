"""The bot's commands, ``nianbao serve`` and ``nianbao digest``: ``nianbao.cli`` loads this module
(``PLUGINS``) only when one of them runs. Slack, SQLAlchemy and the store are imported inside
the commands, so listing them in the help stays cheap."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nianbao.cli import read_config, warn
from nianbao.errors import UserError

if TYPE_CHECKING:
    from .units import Unit

app = typer.Typer(rich_markup_mode=None)

# the store both commands read: one option, one wording
DbOption = Annotated[
    str | None, typer.Option("--db", help="数据库：SQLAlchemy URL 或 SQLite 文件路径（覆盖 DATABASE_URL）")
]


@app.command()
def serve(
    http: Annotated[
        bool,
        typer.Option(
            "--http", help="用 HTTP 接收事件（需公网地址和 SLACK_SIGNING_SECRET）；默认 Socket Mode"
        ),
    ] = False,
    host: Annotated[
        str | None,
        typer.Option(
            "--host", help="HTTP 模式监听的 IP 地址（默认 127.0.0.1，放在反向代理之后；0.0.0.0 为所有网卡）"
        ),
    ] = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="HTTP 模式的端口")] = 3000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="同时审阅的报告数")] = 4,
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", help="/review <链接> 允许访问的内网主机名、IP 或网段（可重复）"),
    ] = None,
    db: DbOption = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="配置文件（nianbao.toml 或 pyproject.toml）")
    ] = None,
    digest: Annotated[
        str | None,
        typer.Option(
            "--digest",
            help='每周定时发周报，例如 "MON 09:00"（北京时间，可在后面加时区）；与 nianbao digest --post 不会重复发送',
        ),
    ] = None,
    units: Annotated[
        Path | None, typer.Option("--units", envvar="NIANBAO_UNITS", help="周报用：应提交报告的单位名单")
    ] = None,
) -> None:
    """运行 Slack 机器人：自动审阅频道里分享的报告，并提供 /review 命令。令牌从环境变量读取（见 docs/slack.md）。"""
    from .app import run
    from .config import Settings

    cfg = read_config(config)
    schedule = None
    if digest:
        from .digest_schedule import Schedule, start_digests

        try:
            schedule = Schedule.parse(digest)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    expected = _units(units)
    settings = Settings.from_env(
        http=http, host=host, port=port, workers=workers, allow_hosts=allow_host or (), db=db
    )
    run(settings, cfg, partial(start_digests, schedule, settings, cfg, expected) if schedule else None)


def _units(path: Path | None) -> list[Unit] | None:
    from .units import load_units

    return load_units(path) if path else None


@app.command(short_help="审阅周报：数量和结论、仍有错误的单位、常见问题、大模型用量")
def digest(
    channel: Annotated[
        list[str] | None,
        typer.Option(
            "--channel", "-c", help="频道 ID（可重复）；默认：近 8 周有审阅的频道和单位名单里的频道"
        ),
    ] = None,
    week: Annotated[
        str | None,
        typer.Option("--week", help="ISO 周，例如 2027-W02；默认上一个完整的周（周一至周日，北京时间）"),
    ] = None,
    post: Annotated[
        bool, typer.Option("--post/--print", help="发送到频道（同一频道同一周只发一次），或打印到终端")
    ] = False,
    units: Annotated[
        Path | None,
        typer.Option(
            "--units",
            envvar="NIANBAO_UNITS",
            help="应提交报告的单位名单（每行“单位名称[,频道 ID]”，或 .csv / .toml）",
        ),
    ] = None,
    skip_empty: Annotated[
        bool, typer.Option("--skip-empty", help="本周没有审阅的频道不发送（--print 时不打印）")
    ] = False,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", min=2019, max=2100, help="报告年度；默认按周推算（1–6 月为上一年，7–12 月为当年）"
        ),
    ] = None,
    db: DbOption = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="配置文件（截止日期 deadline / government-deadline）")
    ] = None,
) -> None:
    """审阅周报：审阅数量和结论、仍有错误的单位、常见问题、大模型用量、未提交的单位和剩余天数。每周一由 cron 运行（见 docs/slack.md）。"""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from .config import Settings, sqlite_file, store_url
    from .digest import Week, active_channels, compute, read_rows
    from .digest_post import FAILED, run_digests, utc_now
    from .digest_render import digest_text
    from .store import Store
    from .units import CHANNEL_ID

    cfg = read_config(config)
    now = utc_now()
    the_week = Week.parse(week) if week else Week.last_completed(now)
    settings = Settings.from_env(db=db, events=False) if post else None
    for c in channel or ():
        if not CHANNEL_ID.fullmatch(c):
            raise UserError(f"--channel「{c}」应为频道 ID，例如 C0123ABCD（在 Slack 的频道详情底部复制）")
    expected = _units(units)
    url = settings.database_url if settings else store_url(db)
    if (
        not post and (path := sqlite_file(url)) and not path.exists()
    ):  # opening it would create an empty store
        raise UserError(
            f"找不到数据库文件 {path.resolve()}：请用 --db 或环境变量 DATABASE_URL 指向机器人（nianbao serve）"
            "使用的数据库（SQLite 文件路径或 postgresql:// URL）"
        )
    outcomes, texts = [], []
    try:
        store = Store(url)
        try:
            channels = channel or active_channels(store, the_week, expected)
            if settings is not None and channels:  # settings are read only to post
                from .app import make_client

                outcomes = run_digests(
                    store,
                    make_client(settings),
                    the_week,
                    now,
                    config=cfg,
                    channels=channels,
                    units=expected,
                    year=year,
                    skip_empty=skip_empty,
                )
            elif channels:
                digests = [
                    compute(
                        read_rows(store, c, the_week, now, year),
                        c,
                        the_week,
                        now,
                        config=cfg,
                        units=expected,
                        year=year,
                    )
                    for c in channels
                ]
                texts = [digest_text(d) for d in digests if not (skip_empty and d.empty)]
        finally:
            store.close()
    except SQLAlchemyError as exc:
        raise UserError(
            f"无法读写数据库 {make_url(url).render_as_string(hide_password=True)}（{exc.__class__.__name__}）"
        ) from None
    if not channels:
        warn(f"截至 {the_week} 的 8 周里没有审阅记录，单位名单里也没有频道：请用 --channel 指定频道")
    sys.stdout.write("".join(texts))
    for o in outcomes:
        warn(o.message)
    raise typer.Exit(1 if any(o.status == FAILED for o in outcomes) else 0)
