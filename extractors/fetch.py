"""HTTP downloads with limits, SSRF-guarded: a report's page given by URL (``nianbao review <url>``,
``/review <url>``), and a Slack file with the bot's token (bot/fetch.py).

Every hop of a redirect chain is checked again: the scheme, the resolved addresses (no private,
loopback, link-local, multicast or reserved address unless allow-listed, nor an IPv6 address that
embeds one: IPv4-mapped and -compatible, NAT64, 6to4, Teredo) and whether a bearer token may be sent
(only to the origins it was issued for: scheme, host and port). The connection goes to the
address that was checked, so a DNS answer cannot change between the check and the connect.
The download's time limit is a wall-clock deadline over every hop: connect, TLS, request, headers and
body, whatever the peer sends.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from pathlib import PurePosixPath
from typing import cast
from urllib.parse import quote, unquote, urljoin, urlsplit

from nianbao.errors import UserError

MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}
_URL_SAFE = "/%:@!$&'()*+,;=~"  # reserved characters and existing %XX escapes pass through
Origin = tuple[str, str, int]  # scheme, host, port: http://files.slack.com:443 is not Slack's origin
_NAT64 = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
)  # IPv4 in the last 32 bits
IP = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(UserError):
    """The download failed or was refused; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class Fetched:
    data: bytes
    content_type: str
    url: str
    name: str


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    timeout: float


def origin_of(url: str) -> Origin:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return (scheme, parts.hostname or "", parts.port or (443 if scheme == "https" else 80))


def fetch_url(
    url: str,
    limits: Limits,
    allow: Iterable[str] = (),
    *,
    token: str | None = None,
    token_origins: frozenset[Origin] = frozenset(),
) -> Fetched:
    """A user-supplied http(s) URL: public addresses only, unless the host or address is allow-listed.
    With ``token``, the URL is one of ``token_origins``' (a Slack file): the token goes to those
    origins only, and they need no allow-listing."""
    return _get(url, limits, tuple(allow), token=token, token_origins=token_origins)


def _get(
    url: str, limits: Limits, allow: tuple[str, ...], token: str | None, token_origins: frozenset[Origin]
) -> Fetched:
    deadline = time.monotonic() + limits.timeout
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError("只支持 http 和 https 链接")
        if not parts.hostname:
            raise FetchError("链接缺少主机名")
        if parts.username or parts.password:
            raise FetchError("链接中不能包含用户名或密码")
        origin = origin_of(url)
        trusted = token is not None and origin in token_origins
        ip = _resolve(origin[1:], allow, check=not trusted)
        headers = {"User-Agent": "nianbao-bot", "Accept": "*/*"}
        if trusted:
            headers["Authorization"] = f"Bearer {token}"
        conn = _Pinned(origin[1:], ip, deadline, _tls_context() if parts.scheme == "https" else None)
        try:
            conn.request("GET", _target(parts.path, parts.query), headers=headers)
            resp = conn.getresponse()
            if resp.status in _REDIRECTS and resp.getheader("Location"):
                url = urljoin(url, resp.getheader("Location"))
                continue
            if resp.status != 200:
                raise FetchError(f"服务器返回 HTTP {resp.status}")
            data = _read(resp, limits.max_bytes)
            return Fetched(data, resp.getheader("Content-Type", ""), url, _name(resp, url))
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(_network_reason(exc, limits.timeout)) from None
        finally:
            conn.close()
    raise FetchError(f"重定向超过 {MAX_REDIRECTS} 次")


def _target(path: str, query: str) -> str:
    """The request target in ASCII: non-ASCII characters escaped, existing %XX escapes kept."""
    return quote(path or "/", safe=_URL_SAFE) + (f"?{quote(query, safe=_URL_SAFE + '?')}" if query else "")


def _left(deadline: float) -> float:
    """Seconds until ``deadline`` (a ``time.monotonic()`` value); past it, a TimeoutError (下载超时)."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _resolve(address: tuple[str, int], allow: tuple[str, ...], check: bool) -> str:
    host, port = address
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"无法解析主机名 {host}") from None
    # An AF_INET/AF_INET6 sockaddr starts with the address string; typeshed's union also covers
    # families (an int first item) that a host-name lookup for SOCK_STREAM never returns.
    ips = [ipaddress.ip_address(cast(str, info[4][0]).split("%")[0]) for info in infos]
    if check and host.lower() not in allow:
        networks = [ipaddress.ip_network(a, strict=False) for a in allow if _is_network(a)]
        for ip in ips:
            if any(ip in net for net in networks):
                continue
            for each in _with_embedded(ip):  # the IPv4 inside reaches the same place through a gateway
                if (not each.is_global or each.is_multicast) and not any(each in net for net in networks):
                    raise FetchError(
                        f"拒绝访问内网或保留地址 {host}（{each}）；如确需访问，请让管理员用 --allow-host 放行"
                    )
    return str(ips[0])


def _with_embedded(ip: IP) -> list[IP]:
    """The address and the IPv4 addresses it carries (an IPv4-mapped address is just its IPv4 one)."""
    if ip.version == 4:
        return [ip]
    if ip.ipv4_mapped:
        return [ip.ipv4_mapped]
    inner: list[IP] = [*(ip.teredo or ()), *filter(None, [ip.sixtofour])]  # teredo: (server, client)
    if any(ip in net for net in _NAT64) or int(ip) >> 32 == 0:  # NAT64, or IPv4-compatible ::a.b.c.d
        inner.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [ip, *inner]


def _is_network(entry: str) -> bool:
    try:
        ipaddress.ip_network(entry, strict=False)
        return True
    except ValueError:
        return False


class _Bounded:
    """A socket whose every send and receive ends by ``deadline``. A socket timeout counts per call,
    and http.client reads the status line, the headers and each chunk with many calls: a peer sending
    a byte a second would never trip it."""

    deadline: float

    def recv_into(self, *args):
        self.settimeout(_left(self.deadline))
        return super().recv_into(*args)

    def sendall(self, *args):
        self.settimeout(_left(self.deadline))
        return super().sendall(*args)


class _Socket(_Bounded, socket.socket):
    pass


class _TLSSocket(_Bounded, ssl.SSLSocket):
    pass


def _tls_context() -> ssl.SSLContext:
    tls = ssl.create_default_context()
    tls.sslsocket_class = _TLSSocket
    return tls


class _Pinned(http.client.HTTPConnection):
    """Connects to the address that was checked; Host, SNI and the certificate check use the host name."""

    def __init__(self, address: tuple[str, int], ip: str, deadline: float, tls: ssl.SSLContext | None):
        super().__init__(*address)
        self.ip, self.deadline, self.tls = ip, deadline, tls

    def connect(self) -> None:
        sock = socket.create_connection((self.ip, self.port), _left(self.deadline))
        try:
            sock.settimeout(_left(self.deadline))  # the TLS handshake gets what the connect left
            # The context comes from _tls_context(), whose sslsocket_class is _TLSSocket.
            bounded: _Socket | _TLSSocket = (
                cast(_TLSSocket, self.tls.wrap_socket(sock, server_hostname=self.host))
                if self.tls
                else _Socket(fileno=sock.detach())
            )
        except BaseException:
            sock.close()
            raise
        bounded.deadline = self.deadline
        self.sock = bounded


def _read(resp: http.client.HTTPResponse, max_bytes: int) -> bytes:
    too_big = FetchError(f"文件过大（上限 {max_bytes / 1048576:.0f} MB）")
    length = resp.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = resp.read1(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise too_big
        chunks.append(chunk)


def _name(resp: http.client.HTTPResponse, url: str) -> str:
    disposition = resp.getheader("Content-Disposition")
    if disposition:
        msg = Message()
        msg["Content-Disposition"] = disposition
        if filename := msg.get_filename():
            return PurePosixPath(filename).name
    return PurePosixPath(unquote(urlsplit(url).path)).name or urlsplit(url).hostname or "download"


def _network_reason(exc: Exception, timeout: float) -> str:
    if isinstance(exc, TimeoutError):  # socket.timeout is TimeoutError
        return f"下载超时（{timeout:g} 秒内未完成）"
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝"
    if isinstance(exc, ssl.SSLError):
        return "HTTPS 证书或加密连接有问题"
    return f"网络错误（{exc.__class__.__name__}）"
