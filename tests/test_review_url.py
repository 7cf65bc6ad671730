"""``nianbao review https://…``: a published report page fetched with the bot's SSRF-safe fetcher
(a local server here, allow-listed as an operator would) and reviewed; clear Chinese errors and
exit 2 for an address refused, a server that is not there, a missing page, a page that is no report."""

from __future__ import annotations

import json

import pytest
from bot_harness import GENERATED, web_server
from conftest import seed
from test_cli import nianbao

HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture(scope="module")
def site():
    routes = {
        "/2022/年报.html": (200, HTML, (GENERATED / "001.html").read_bytes()),
        "/2024.txt": (200, {"Content-Type": "text/plain; charset=utf-8"}, seed("004").read_bytes()),
        "/notice.html": (
            200,
            HTML,
            "<html><body><h1>关于召开会议的通知</h1><p>定于下周一开会。</p></body></html>".encode(),
        ),
    }
    with web_server(routes) as base:
        yield base


def test_a_published_page_is_fetched_and_reviewed(site):
    proc = nianbao("review", f"{site}/2022/年报.html", "--allow-host", "127.0.0.1", "-f", "json", "--no-llm")
    data = json.loads(proc.stdout)
    assert data["source"] == {**data["source"], "path": f"{site}/2022/年报.html", "format": "html"}
    assert data["report"]["issuer"] == "临淄区金岭回族镇" and proc.returncode == 1


def test_urls_and_files_in_one_batch(site):
    proc = nianbao(
        "review", f"{site}/2024.txt", seed("001"), "--allow-host", "127.0.0.0/8", "-f", "jsonl", "--no-llm"
    )
    *reviews, summary = map(json.loads, proc.stdout.splitlines())
    assert [r["source"]["path"] for r in reviews] == [f"{site}/2024.txt", str(seed("001"))]
    assert summary["totals"]["reports"] == 2


@pytest.mark.parametrize(
    "path, allow, reason",
    [
        ("/2024.txt", False, "无法下载：拒绝访问内网或保留地址 127.0.0.1"),  # loopback, not allow-listed
        ("/missing.html", True, "无法下载：服务器返回 HTTP 404"),
        ("/notice.html", True, "不是政府信息公开工作年度报告"),
    ],
)
def test_a_page_that_cannot_be_reviewed_is_one_line_and_exit_2(site, path, allow, reason):
    proc = nianbao("review", f"{site}{path}", *(["--allow-host", "127.0.0.1"] if allow else []), "--no-llm")
    assert proc.returncode == 2 and proc.stdout == ""
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"nianbao: {site}{path}: {reason}")


def test_an_unreachable_server(tmp_path):
    proc = nianbao("review", "http://127.0.0.1:9/report.html", "--allow-host", "127.0.0.1", "--no-llm")
    assert (
        proc.returncode == 2
        and proc.stderr == "nianbao: http://127.0.0.1:9/report.html: 无法下载：连接被拒绝\n"
    )


def test_last_years_report_may_be_a_link_too(site):
    """--previous takes a link as the inputs do (its // kept): this one is the same year as the
    input, so it is read and named, and no cross-year check is made."""
    proc = nianbao(
        "review", seed("004"), "--previous", f"{site}/2024.txt", "--allow-host", "127.0.0.1", "--no-llm"
    )
    assert proc.returncode != 2 and "不是任何输入报告的上一年度报告，未做跨年核对" in proc.stderr, proc.stderr
    proc = nianbao("review", seed("004"), "--previous", f"{site}/missing.html", "--allow-host", "127.0.0.1")
    assert proc.returncode == 2
    assert proc.stderr == f"nianbao: --previous {site}/missing.html: 无法下载：服务器返回 HTTP 404\n"
