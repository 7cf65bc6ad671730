"""The weekly digest: what it computes from the store for one channel and week, how it reads in
Slack and in a terminal, the expected-units list, and ``nianbao digest`` against a fake Slack with a
frozen clock. (Posting once per channel and week, also on PostgreSQL: test_digest_post.py.)"""

from __future__ import annotations

import json
import re
import warnings
from datetime import date, timedelta

import pytest
from bot_harness import clear_slack_env
from digest_data import NOW, UNITS, WEEK, add_review, at, seed_january, slack_ts
from fake_slack import FakeSlack
from typer.testing import CliRunner

import bot.digest_post
from bot import digest_render
from bot.blocks import HEADER_CHARS, MAX_BLOCKS, SECTION_CHARS
from bot.digest import (
    Digest,
    Missing,
    StillWrong,
    Week,
    WeekError,
    active_channels,
    compute,
    read_rows,
    report_year,
)
from bot.digest_render import chart_png, digest_blocks, digest_text, permalink
from bot.store import FAILED, IGNORED, QUEUED, Store
from bot.units import Unit, UnitsError, load_units
from nianbao.cli import app
from nianbao.config import Config


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "bot.sqlite"))
    yield s
    s.close()


@pytest.fixture
def units(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(UNITS, encoding="utf-8")
    return load_units(path)


def digest_of(store, units=None, channel="C111", week=WEEK, now=NOW, config=Config()) -> Digest:
    return compute(read_rows(store, channel, week, now), channel, week, now, config=config, units=units)


# -- computing ---------------------------------------------------------------------------------------


def test_a_mixed_week_gives_the_right_counts_units_and_rules(store, units):
    seed_january(store)
    d = digest_of(store, units)
    assert (d.week, d.first_day, d.last_day, d.report_year) == (
        "2027-W02",
        date(2027, 1, 11),
        date(2027, 1, 17),
        2026,
    )
    assert (d.reviewed, d.new, d.re_reviews, d.failed) == (4, 3, 1, 1)
    assert d.verdicts == {"pass": 1, "warn": 1, "fail": 2}
    # latest review per unit up to the week's end: 金岭 after its re-review, 卫健局 from the week before
    assert [(u.issuer, u.n_error) for u in d.still_wrong] == [
        ("临淄区卫生健康局", 3),
        ("临淄区金岭回族镇", 1),
    ]
    assert (d.still_wrong[1].thread_ts, d.still_wrong[1].reply_ts) == (slack_ts(at(14)), slack_ts(at(14), 1))
    # by unit: 金岭's first review does not count twice; 卫健局 was not reviewed this week
    assert [(r.rule, r.units, r.findings) for r in d.rules] == [
        ("section5-weak", 2, 2),
        ("personal-info-exposed", 1, 1),
    ]
    assert d.fixed == 1
    assert (d.llm_calls, d.llm_failed, d.tokens_in, d.tokens_out) == (2, 1, 2000, 300)
    assert [(h.week, h.verdicts["fail"]) for h in d.history][-2:] == [("2027-W01", 1), ("2027-W02", 2)]
    assert len(d.history) == 8 and d.history[3].week == "2026-W51" and d.history[3].verdicts["pass"] == 1


def test_expected_units_give_the_missing_ones_and_the_days_left(store, units):
    seed_january(store)
    d = digest_of(store, units)
    assert d.expected == 7  # 临淄区商务局 belongs to C222
    # 金岭回族镇人民政府 matches 临淄区金岭回族镇; 民政局 submitted in C222; 住建局 on Monday morning;
    # 自然资源局 only sent last season's report; a 县级以上人民政府 has until 3月31日
    # days left from the week's last day (Sunday 17 January), not from when the digest is read
    assert d.missing == [
        Missing(deadline=date(2027, 1, 31), days_left=14, units=["临淄区应急管理局", "临淄区自然资源局"]),
        Missing(deadline=date(2027, 3, 31), days_left=73, units=["临淄区人民政府"]),
    ]
    assert digest_of(store, units, now=NOW + timedelta(days=40)).missing[0].days_left == 14
    later = digest_of(
        store, units, week=Week(2027, 4), now=NOW + timedelta(days=16), config=Config(deadline="01-25")
    )
    assert [(m.deadline, m.days_left) for m in later.missing] == [
        (date(2027, 1, 25), -6),
        (date(2027, 3, 31), 59),
    ]
    other = digest_of(store, units, channel="C222")  # 住建局 is C111's; 商务局 is C222's
    assert other.expected == 7 and other.missing[0].units == [
        "临淄区应急管理局",
        "临淄区自然资源局",
        "临淄区商务局",
    ]
    assert digest_of(store).expected is None and digest_of(store).missing == []


def test_an_empty_week(store, units):
    seed_january(store)
    d = digest_of(store, units, week=Week(2027, 4), now=NOW + timedelta(weeks=2))
    assert d.empty and d.reviewed == 0 and d.rules == [] and d.llm_calls == 0
    assert [u.issuer for u in d.still_wrong] == [
        "临淄区卫生健康局",
        "临淄区金岭回族镇",
    ]  # still wrong, still listed
    text = digest_text(d)
    assert text.startswith("📊 信息公开年报审阅周报 2027-W04（1月25日—1月31日） · 频道 C111\n")
    assert "本周没有审阅报告" in text and "未提交 2026 年度报告的单位（3/7，剩余天数截至1月31日）" in text
    assert "1月31日截止，还剩 0 天" in text and "频道 C111 · 统计 2027-01-25 至 2027-01-31" in text
    assert chart_png(d) is None


def test_weeks_and_report_years():
    assert str(Week.parse("2027-W02")) == "2027-W02" and Week.parse("2027w2") == Week(2027, 2)
    assert Week.parse("2026-W53").sunday == date(2027, 1, 3)
    with pytest.raises(WeekError, match="2027-W02"):
        Week.parse("2027-W53")
    assert Week.last_completed(NOW) == WEEK
    assert Week.last_completed(at(17, 23)) == Week(2027, 1)  # Sunday night in Beijing: the week is not over
    assert WEEK.start().isoformat() == "2027-01-10T16:00:00+00:00"  # Monday 00:00 in Beijing
    assert (report_year(date(2027, 3, 1)), report_year(date(2027, 9, 1))) == (2026, 2027)


# -- rendering ---------------------------------------------------------------------------------------


def test_block_kit_links_each_unit_to_its_thread_and_text_says_the_same(store, units):
    seed_january(store)
    d = digest_of(store, units)
    text, blocks = digest_blocks(d, "https://fake.slack.com/")
    assert text == "📊 信息公开年报审阅周报 2027-W02（1月11日—1月17日）：审阅 4 份，不通过 2 份"
    body = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    thread, reply = slack_ts(at(14)), slack_ts(at(14), 1).replace(".", "")
    assert (
        f"<https://fake.slack.com/archives/C111/p{reply}?thread_ts={thread}&cid=C111|临淄区金岭回族镇 2026年度>"
        in body
    )
    assert "*1月31日截止，还剩 14 天*：临淄区应急管理局、临淄区自然资源局" in body
    assert blocks[-1]["elements"][0]["text"].startswith("频道 <#C111> · 统计 2027-01-11 至 2027-01-17")
    plain = digest_text(d)
    for line in (
        "审阅 4 份（首次 3，复审 1）：✅ 通过 1 · ⚠️ 有警告 1 · ❌ 不通过 2",
        "🚫 无法审阅 1 份",
        "复审中已修正的问题：1 条",
        "大模型：调用 2 次，失败 1 次，输入 2,000 / 输出 300 tokens",
        "❌ 临淄区金岭回族镇 2026年度 · 错误 1 · 警告 1 · 审阅于 1月14日",
        "🟠 section5-weak 第五部分空泛",
        "3月31日截止，还剩 73 天：临淄区人民政府",
    ):
        assert line in plain and line in re.sub(r"<[^|>]+\|([^>]+)>", r"\1", body).replace("*", "")
    assert "<" not in plain and "*" not in plain


def test_block_kit_stays_within_slack_limits_for_a_crowded_month():
    many = [
        StillWrong(
            issuer=f"某某市第{i}街道<办事处>" * 3,
            year=2026,
            n_error=i,
            n_warning=0,
            reviewed_at=NOW,
            thread_ts=f"1.{i}",
            reply_ts=f"2.{i}",
        )
        for i in range(300)
    ]
    d = Digest(
        channel="C111",
        week="2027-W02",
        first_day=WEEK.monday,
        last_day=WEEK.sunday,
        report_year=2026,
        reviewed=300,
        verdicts={"pass": 0, "warn": 0, "fail": 300},
        still_wrong=many,
        expected=900,
        missing=[
            Missing(
                deadline=date(2027, 1, 31), days_left=13, units=[f"某某县第{i}乡人民政府" for i in range(800)]
            )
        ],
    )
    _, blocks = digest_blocks(d, "https://fake.slack.com/")
    assert len(blocks) <= MAX_BLOCKS and len(blocks[0]["text"]["text"]) <= HEADER_CHARS
    texts = [b["text"]["text"] if "text" in b else b["elements"][0]["text"] for b in blocks]
    assert all(len(t) <= SECTION_CHARS for t in texts)
    units = next(t for t in texts if t.startswith("*仍有错误的单位（300）*"))
    assert units.endswith("……另有 285 个单位") and "&lt;办事处&gt;" in units  # whole lines, escaped
    assert next(t for t in texts if t.startswith("*未提交")).endswith("…")


def test_permalinks():
    assert (
        permalink("https://x.slack.com/", "C1", "1700000000.000200", "1700000000.000100")
        == "https://x.slack.com/archives/C1/p1700000000000200?thread_ts=1700000000.000100&cid=C1"
    )
    assert (
        permalink("https://x.slack.com", "C1", "1700000000.000100", "1700000000.000100")
        == "https://x.slack.com/archives/C1/p1700000000000100"
    )


def test_the_chart_is_a_png_with_or_without_a_chinese_font(store, monkeypatch):
    seed_january(store)
    d = digest_of(store)
    assert chart_png(d).startswith(b"\x89PNG")
    monkeypatch.setattr(digest_render, "cjk_font", lambda: None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Glyph … missing from font(s)"
        assert chart_png(d).startswith(b"\x89PNG")


# -- the expected-units file -------------------------------------------------------------------------


def test_units_in_lines_csv_and_toml(tmp_path):
    lines = tmp_path / "units.txt"
    lines.write_text(
        "# 2026 年度\n临淄区财政局\n\n 金岭回族镇人民政府 ，#C0123ABCD\n临淄区财政局\n", encoding="utf-8"
    )
    expected = [Unit("临淄区财政局"), Unit("金岭回族镇人民政府", "C0123ABCD")]
    assert load_units(lines) == expected
    csv = tmp_path / "units.csv"
    csv.write_bytes('\ufeff单位名称,频道,备注\n"临淄区财政局",,\n金岭回族镇人民政府,C0123ABCD,镇\n'.encode())
    assert load_units(csv) == expected
    toml = tmp_path / "units.toml"
    toml.write_text(
        'units = ["临淄区财政局", { name = "金岭回族镇人民政府", channel = "C0123ABCD" }]\n', encoding="utf-8"
    )
    assert load_units(toml) == expected


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("u.txt", "临淄区财政局,#信息公开\n", "u.txt 第 1 行：频道「信息公开」应为频道 ID"),
        ("u.txt", "# nothing\n", "单位名单是空的"),
        ("u.toml", "units = [1]\n", "u.toml 第 1 个单位：应为"),
        ("u.toml", "units = [\n", "TOML 格式错误"),
        ("u.toml", "unit = []\n", 'u.toml：应有 units = ["单位名称", …]'),
    ],
)
def test_units_file_errors_say_where_and_what(tmp_path, name, content, message):
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(UnitsError, match=re.escape(message)):
        load_units(tmp_path / name)


def test_units_match_issuers_with_or_without_their_region_and_suffix():
    assert Unit("金岭回族镇人民政府").matches("临淄区金岭回族镇")
    assert Unit("淄博经济开发区管理委员会").matches("淄博经济开发区管委会")
    assert Unit("临淄区 财政局").matches("临淄区财政局") and Unit("财政局").matches("临淄区财政局")
    assert not Unit("临淄区人民政府").matches("临淄区财政局")
    assert not Unit("临淄区财政局").matches("临淄区教育局")


# -- the command -------------------------------------------------------------------------------------


def cli(monkeypatch, *args, env=None):
    monkeypatch.setattr(bot.digest_post, "utc_now", lambda: NOW)
    result = CliRunner().invoke(app, ["digest", *args], env={"NIANBAO_UNITS": None, **(env or {})})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_print_shows_the_digest_in_a_terminal_without_slack(tmp_path, store, monkeypatch, units):
    clear_slack_env(monkeypatch)
    seed_january(store)
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    result = cli(monkeypatch, "--db", str(tmp_path / "bot.sqlite"), "--units", str(tmp_path / "units.csv"))
    assert result.exit_code == 0, result.output
    # no --channel: every channel active in the last 8 weeks; no --week: the week that just ended
    assert result.stdout.count("信息公开年报审阅周报 2027-W02") == 2
    assert "· 频道 C111\n" in result.stdout and "· 频道 C222\n" in result.stdout  # whose digest is whose
    assert "1月31日截止，还剩 14 天：临淄区应急管理局、临淄区自然资源局" in result.stdout


def test_print_honours_skip_empty(tmp_path, store, monkeypatch):
    clear_slack_env(monkeypatch)
    seed_january(store)
    db = str(tmp_path / "bot.sqlite")
    shown = cli(monkeypatch, "--db", db, "--channel", "C111", "--channel", "C222", "--week", "2027-W04")
    assert shown.exit_code == 0 and shown.stdout.count("本周没有审阅报告") == 2
    skipped = cli(
        monkeypatch,
        "--db",
        db,
        "--channel",
        "C111",
        "--channel",
        "C222",
        "--week",
        "2027-W04",
        "--skip-empty",
    )
    assert skipped.exit_code == 0 and skipped.stdout == ""
    busy = cli(monkeypatch, "--db", db, "--channel", "C111", "--channel", "C999", "--skip-empty")
    assert "频道 C111" in busy.stdout and "C999" not in busy.stdout


def test_print_without_a_store_file_says_which_file_and_creates_none(tmp_path, monkeypatch):
    clear_slack_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    result = cli(monkeypatch, env={"DATABASE_URL": None, "NIANBAO_DB": None})
    assert result.exit_code == 2
    assert f"找不到数据库文件 {(tmp_path / 'nianbao.sqlite').resolve()}" in result.stderr
    assert "--db" in result.stderr and "DATABASE_URL" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_only_real_reviews_make_a_channel_active(store):
    add_review(store, at(12), "临淄区财政局", channel="C111")
    add_review(store, at(12), None, None, year=None, status=IGNORED, channel="C222")  # an image shared there
    add_review(store, at(12), None, None, year=None, status=QUEUED, channel="C333")
    add_review(store, at(13), None, None, year=None, status=FAILED, channel="C444")  # counted as 无法审阅
    assert active_channels(store, WEEK) == ["C111", "C444"]


def test_post_sends_one_digest_with_its_chart_and_a_second_run_sends_nothing(tmp_path, store, monkeypatch):
    clear_slack_env(monkeypatch)
    seed_january(store)
    with FakeSlack() as slack:
        env = {
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": str(tmp_path / "bot.sqlite"),
        }
        first = cli(monkeypatch, "--post", "--channel", "C111", "--week", "2027-W02", env=env)
        second = cli(monkeypatch, "--post", "--channel", "C111", "--week", "2027-W02", env=env)
    assert first.exit_code == second.exit_code == 0
    assert "C111 2027-W02：周报已发送" in first.stderr and "周报已发送过，不再发送" in second.stderr
    [post] = slack.calls_to("chat.postMessage")
    assert post.params["channel"] == "C111" and "thread_ts" not in post.params
    assert "临淄区卫生健康局" in json.dumps(post.params["blocks"], ensure_ascii=False)
    [upload] = slack.calls_to("upload")
    assert upload.body.startswith(b"\x89PNG")
    [complete] = slack.calls_to("files.completeUploadExternal")
    assert complete.params["thread_ts"] == post.result["ts"] and complete.params["channel_id"] == "C111"
    assert [m for m in slack.methods() if m not in ("auth.test",)] == [
        "chat.postMessage",
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]


def test_command_errors_are_one_line(tmp_path, monkeypatch):
    clear_slack_env(monkeypatch)
    db = str(tmp_path / "bot.sqlite")
    for args, message in (
        (["--week", "2027-13"], "应为 ISO 周"),
        (["--channel", "#reports"], "应为频道 ID"),
        (["--post"], "SLACK_BOT_TOKEN"),
        (["--units", str(tmp_path / "none.txt")], "无法读取单位名单"),
        (["--db", "postgresql://u:secret@127.0.0.1:1/x"], "无法读写数据库 postgresql+psycopg://u:***@"),
        ([], "找不到数据库文件"),
    ):
        result = cli(monkeypatch, "--db", db, *args)
        assert message in result.stderr and "Traceback" not in result.output, (args, result.output)
        assert result.exit_code == 2
    store = Store(db)
    result = cli(monkeypatch, "--db", db)
    assert "请用 --channel 指定频道" in result.stderr and result.exit_code == 0
    add_review(store, at(12), "临淄区财政局", channel="C111")
    store.close()
    with FakeSlack(not_in_channel={"C111"}) as slack:
        env = {"SLACK_BOT_TOKEN": slack.bot_token, "SLACK_API_URL": slack.api_url}
        result = cli(monkeypatch, "--db", db, "--post", env=env)
    assert result.exit_code == 1 and "机器人不在本频道" in result.stderr
