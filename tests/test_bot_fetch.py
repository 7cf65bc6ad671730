"""Downloads: the SSRF guard of ``/review <url>`` and the token handling of Slack file downloads."""

from __future__ import annotations

import re
import time

import pytest
from bot_harness import web_server
from fake_slack import FakeSlack

from bot.app import SLACK_FILES_ORIGIN
from bot.fetch import FetchError, Limits, download_slack_file, fetch_url, origin_of

LIMITS = Limits(max_bytes=1024 * 1024, timeout=5)


@pytest.fixture(scope="module")
def site():
    routes = {
        "/report.txt": (200, {"Content-Type": "text/plain; charset=utf-8"}, "报告".encode()),
        "/named": (
            200,
            {"Content-Disposition": "attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.docx"},
            b"x",
        ),
        "/to-report": (302, {"Location": "/report.txt"}, b""),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/to-ftp": (302, {"Location": "ftp://127.0.0.1/a.pdf"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/endless": (200, {"Content-Type": "application/pdf"}, None),
        "/declared-huge": (200, {"Content-Length": str(60 * 1024 * 1024)}, None),
        "/gone": (404, {}, b"no"),
    }
    with web_server(routes) as base:
        yield base


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://localhost:9/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://[::ffff:127.0.0.1]:9/",
    ],
)
def test_private_loopback_link_local_multicast_and_reserved_addresses_are_refused(url):
    with pytest.raises(FetchError, match="拒绝访问内网或保留地址"):
        fetch_url(url, LIMITS)


@pytest.mark.parametrize(
    "url, shown",
    [
        ("http://[64:ff9b::7f00:1]:9/", "127.0.0.1"),  # NAT64 (RFC 6052)
        ("http://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "169.254.169.254"),
        ("http://[64:ff9b:1::a00:1]/", "10.0.0.1"),  # local-use NAT64 (RFC 8215)
        ("http://[2002:7f00:1::]:9/", "127.0.0.1"),  # 6to4
        ("http://[2002:c0a8:101::1]/", "192.168.1.1"),
        ("http://[2001:0:808:808::3f57:fefe]/", "2001:0:808:808::3f57:fefe"),  # Teredo (client 192.168.1.1)
        ("http://[::127.0.0.1]:9/", "127.0.0.1"),  # IPv4-compatible
        ("http://[::a9fe:a9fe]/", "169.254.169.254"),
    ],
)
def test_ipv6_addresses_carrying_a_private_ipv4_are_refused(url, shown):
    with pytest.raises(FetchError, match=f"拒绝访问内网或保留地址 .*（{re.escape(shown)}）"):
        fetch_url(url, LIMITS)
    with pytest.raises(FetchError, match="拒绝访问内网或保留地址"):
        fetch_url(url, LIMITS, allow=("8.8.8.0/24",))  # allow-listing something else changes nothing


@pytest.mark.parametrize(
    "url, reason",
    [
        ("file:///etc/passwd", "只支持 http 和 https"),
        ("gopher://127.0.0.1/", "只支持 http 和 https"),
        ("http://user:pw@127.0.0.1/", "用户名或密码"),
        ("http:///nohost", "缺少主机名"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(url, reason):
    with pytest.raises(FetchError, match=reason):
        fetch_url(url, LIMITS)


def test_allow_listed_address_or_host_is_fetched(site):
    assert fetch_url(f"{site}/report.txt", LIMITS, allow=("127.0.0.1",)).data == "报告".encode()
    assert fetch_url(f"{site}/report.txt", LIMITS, allow=("127.0.0.0/8",)).name == "report.txt"
    host_url = site.replace("127.0.0.1", "localhost")
    assert fetch_url(f"{host_url}/report.txt", LIMITS, allow=("localhost",)).data == "报告".encode()
    assert fetch_url(f"{site}/named", LIMITS, allow=("127.0.0.1",)).name == "年报.docx"


def test_every_redirect_is_checked_again(site):
    allow = ("127.0.0.1",)
    assert fetch_url(f"{site}/to-report", LIMITS, allow).url.endswith("/report.txt")
    with pytest.raises(FetchError, match=r"169\.254\.169\.254"):
        fetch_url(f"{site}/to-metadata", LIMITS, allow)
    with pytest.raises(FetchError, match="只支持 http 和 https"):
        fetch_url(f"{site}/to-ftp", LIMITS, allow)
    with pytest.raises(FetchError, match="重定向超过 5 次"):
        fetch_url(f"{site}/loop", LIMITS, allow)


def test_size_and_time_limits(site):
    allow = ("127.0.0.1",)
    with pytest.raises(FetchError, match="文件过大"):
        fetch_url(f"{site}/declared-huge", LIMITS, allow)  # refused on Content-Length, before reading
    with pytest.raises(FetchError, match="文件过大"):
        fetch_url(f"{site}/endless", LIMITS, allow)  # no length: cut at the limit
    start = time.monotonic()
    with pytest.raises(FetchError, match="超时"):
        fetch_url(f"{site}/endless", Limits(max_bytes=10**12, timeout=0.5), allow)
    assert time.monotonic() - start < 5  # bounded (the stream is endless); generous for a loaded machine
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_url(f"{site}/gone", LIMITS, allow)


def test_slack_download_sends_the_token_only_to_slack():
    with FakeSlack() as slack:
        f = slack.share_file("a.txt", b"hello")
        url = f.info(slack.base)["url_private_download"]
        slack_origin = frozenset({origin_of(slack.api_url)})
        assert download_slack_file(url, LIMITS, slack.bot_token, slack_origin).data == b"hello"
        assert slack.calls_to("download")[-1].headers["authorization"] == f"Bearer {slack.bot_token}"
        # A URL that is not Slack's gets no token, and the SSRF guard applies to it.
        with pytest.raises(FetchError, match="拒绝访问内网"):
            download_slack_file(url, LIMITS, slack.bot_token, frozenset({SLACK_FILES_ORIGIN}))
        # Nor does the same host and port over another scheme: the token never travels in cleartext.
        _, host, port = origin_of(url)
        with pytest.raises(FetchError, match="拒绝访问内网"):
            download_slack_file(url, LIMITS, slack.bot_token, frozenset({("https", host, port)}))
    assert len(slack.calls_to("download")) == 1
    assert origin_of("http://files.slack.com:443/files-pri/T1-F1/a.pdf") != SLACK_FILES_ORIGIN
    assert origin_of("https://files.slack.com/files-pri/T1-F1/a.pdf") == SLACK_FILES_ORIGIN


def test_slack_download_redirected_away_from_slack_is_checked_like_any_url(site):
    with FakeSlack() as slack:
        trusted = frozenset({origin_of(site)})  # pretend the site is Slack, redirecting to another origin
        with pytest.raises(FetchError, match="拒绝访问内网"):
            download_slack_file(f"{site}/to-metadata", LIMITS, slack.bot_token, trusted)
