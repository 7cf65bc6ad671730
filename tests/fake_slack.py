"""A fake Slack, standard library only, on 127.0.0.1 with a random port. Both directions:

- the Web API the bot calls (``api_url``): auth.test, files.info, chat.postMessage/postEphemeral,
  reactions.add/remove, conversations.history, files.getUploadURLExternal + the upload URL +
  files.completeUploadExternal (what ``files_upload_v2`` calls in slack-sdk 3.47), response_url
  endpoints, and ``url_private`` downloads that need ``Authorization: Bearer <bot token>`` and
  otherwise answer 200 with an HTML sign-in page, as real Slack does;
- Slack calling the app: signed events and slash commands (``send_event``, ``send_command``).

Every request is recorded; ``wait_for`` blocks until enough calls of a method arrived.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

BOT_TOKEN = "xoxb-test-1234567890-secret"
APP_TOKEN = "xapp-1-test-secret"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
TEAM, BOT_USER, BOT_ID = "T111", "UBOT", "BBOT"
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>"


@dataclass
class Call:
    method: str  # a Web API method, or "download", "upload", "response_url"
    params: dict
    headers: dict
    body: bytes = b""
    result: dict = field(default_factory=dict)  # the Web API's answer
    at: float = field(default_factory=time.perf_counter)  # when it arrived (for the benchmark)


@dataclass
class FakeFile:
    id: str
    name: str
    data: bytes
    channel: str
    ts: str
    user: str = "U111"
    size: int | None = None  # what files.info reports; defaults to len(data)
    mimetype: str = "application/octet-stream"

    def info(self, base: str) -> dict:
        suffix = self.name.rsplit(".", 1)[-1].lower()
        return {
            "id": self.id,
            "name": self.name,
            "title": self.name,
            "filetype": suffix,
            "user": self.user,
            "mimetype": self.mimetype,
            "size": len(self.data) if self.size is None else self.size,
            "url_private": f"{base}/files-pri/{TEAM}-{self.id}/{self.name}",
            "url_private_download": f"{base}/files-pri/{TEAM}-{self.id}/download/{self.name}",
            "shares": {"public": {self.channel: [{"ts": self.ts, "channel_name": "reports"}]}},
        }


@dataclass
class FakeSlack:
    bot_token: str = BOT_TOKEN
    app_token: str = APP_TOKEN
    signing_secret: str = SIGNING_SECRET
    socket_url: str = ""  # what apps.connections.open returns (Socket Mode tests run the WebSocket side)
    serve_login_page: bool = False  # as if the bot lacked files:read: the sign-in page even with the token
    not_in_channel: set[str] = field(default_factory=set)
    calls: list[Call] = field(repr=False, default_factory=list)
    files: dict[str, FakeFile] = field(repr=False, default_factory=dict)
    history: dict[str, list[dict]] = field(
        repr=False, default_factory=dict
    )  # channel → messages, newest first
    reactions: dict[tuple[str, str], list[str]] = field(repr=False, default_factory=dict)

    def __post_init__(self):
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.api_url = f"{self.base}/api/"

    def __enter__(self) -> FakeSlack:
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- state the tests set up ---------------------------------------------------------------------

    def next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def share_file(
        self, name: str, data: bytes, channel: str = "C111", user: str = "U111", size: int | None = None
    ) -> FakeFile:
        """A file shared in a channel: in files.info and in the channel's history."""
        f = FakeFile(f"F{next(self._ids):05d}", name, data, channel, self.next_ts(), user, size)
        self.files[f.id] = f
        self.history.setdefault(channel, []).insert(
            0,
            {
                "type": "message",
                "subtype": "file_share",
                "user": user,
                "ts": f.ts,
                "files": [f.info(self.base)],
            },
        )
        return f

    def file_share_event(self, f: FakeFile) -> dict:
        return {
            "type": "message",
            "subtype": "file_share",
            "channel": f.channel,
            "user": f.user,
            "ts": f.ts,
            "text": "",
            "channel_type": "channel",
            "files": [f.info(self.base)],
        }

    @staticmethod
    def file_shared_event(f: FakeFile) -> dict:
        return {
            "type": "file_shared",
            "channel_id": f.channel,
            "file_id": f.id,
            "user_id": f.user,
            "file": {"id": f.id},
            "event_ts": f.ts,
        }

    # -- what the bot did ---------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10) -> list[Call]:
        with self._cond:
            if not self._cond.wait_for(
                lambda: len([c for c in self.calls if c.method == method]) >= count, timeout
            ):
                seen = [c.method for c in self.calls]
                raise AssertionError(f"expected {count}× {method} within {timeout}s; saw {seen}")
            return [c for c in self.calls if c.method == method]

    def methods(self) -> list[str]:
        with self._cond:
            return [c.method for c in self.calls]

    def _record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    # -- Slack calling the app ----------------------------------------------------------------------

    def sign(self, body: str | bytes, timestamp: int | None = None) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        raw = body.encode() if isinstance(body, str) else body  # bytes: a body that need not be UTF-8
        digest = hmac.new(
            self.signing_secret.encode(), b"v0:%s:%s" % (ts.encode(), raw), hashlib.sha256
        ).hexdigest()
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}

    def send(
        self,
        app_url: str,
        body: str | bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        signed: bool = True,
    ) -> tuple[int, str]:
        all_headers = {"Content-Type": content_type, **(self.sign(body) if signed else {}), **(headers or {})}
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(app_url, data=data, headers=all_headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def send_event(
        self,
        app_url: str,
        event: dict,
        event_id: str | None = None,
        retry_num: int | None = None,
    ) -> tuple[int, str]:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "A111",
                "type": "event_callback",
                "event": event,
                "event_id": event_id or f"Ev{next(self._ids):08d}",
                "event_time": int(time.time()),
            }
        )
        retry = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else {}
        )
        return self.send(app_url, body, "application/json", retry)

    def command_body(self, text: str, channel: str = "C111", user: str = "U111") -> str:
        n = next(self._ids)
        return urlencode(
            {
                "token": "legacy",
                "team_id": TEAM,
                "channel_id": channel,
                "channel_name": "reports",
                "user_id": user,
                "user_name": "tester",
                "command": "/review",
                "text": text,
                "api_app_id": "A111",
                "response_url": f"{self.base}/commands/{TEAM}/{n}",
                "trigger_id": f"trigger.{n}",
            }
        )

    def send_command(
        self, app_url: str, text: str, channel: str = "C111", user: str = "U111"
    ) -> tuple[int, str]:
        return self.send(app_url, self.command_body(text, channel, user), "application/x-www-form-urlencoded")

    # -- Web API ------------------------------------------------------------------------------------

    def api(self, method: str, params: dict, token: str) -> dict:
        if method == "apps.connections.open" and token == self.app_token:
            return {"ok": True, "url": self.socket_url}
        if token != self.bot_token:
            return {"ok": False, "error": "invalid_auth"}
        channel = params.get("channel") or params.get("channel_id")
        if channel in self.not_in_channel and method in ("chat.postMessage", "conversations.history"):
            return {"ok": False, "error": "not_in_channel"}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.com/",
                "team": "Fake",
                "user": "nianbao",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
            }
        if method == "files.info":
            f = self.files.get(params.get("file"))
            return {"ok": True, "file": f.info(self.base)} if f else {"ok": False, "error": "file_not_found"}
        if method == "chat.postMessage":
            ts = self.next_ts()
            if not params.get("thread_ts"):
                self.history.setdefault(channel, []).insert(
                    0, {"type": "message", "bot_id": BOT_ID, "ts": ts}
                )
            return {
                "ok": True,
                "channel": channel,
                "ts": ts,
                "message": {"text": params.get("text"), "ts": ts},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self.next_ts()}
        if method in ("reactions.add", "reactions.remove"):
            names = self.reactions.setdefault((channel, params.get("timestamp")), [])
            name = params.get("name")
            if method == "reactions.add":
                if name in names:
                    return {"ok": False, "error": "already_reacted"}
                names.append(name)
            elif name in names:
                names.remove(name)
            else:
                return {"ok": False, "error": "no_reaction"}
            return {"ok": True}
        if method == "conversations.history":
            return {"ok": True, "messages": self.history.get(channel, []), "has_more": False}
        if method == "files.getUploadURLExternal":
            file_id = f"FUP{next(self._ids):05d}"
            return {"ok": True, "upload_url": f"{self.base}/upload/v1/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = json.loads(params.get("files", "[]"))
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return {"ok": True}


def _handler(slack: FakeSlack):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, data: dict) -> None:
            self._reply(200, json.dumps(data).encode(), "application/json; charset=utf-8")

        def _params(self, body: bytes) -> dict:
            params = dict(parse_qsl(urlsplit(self.path).query))
            if self.headers.get("Content-Type", "").startswith("application/json"):
                params.update(json.loads(body or b"{}"))
            elif body:
                params.update(parse_qsl(body.decode()))
            return params

        def _token(self) -> str:
            return self.headers.get("Authorization", "").removeprefix("Bearer ")

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            headers = {k.lower(): v for k, v in self.headers.items()}
            if path.startswith("/files-pri/"):
                slack._record(Call("download", {"path": path}, headers))
                f = slack.files.get(path.split("/")[2].split("-", 1)[1])
                if f is None:
                    return self._reply(404, b"not found", "text/plain")
                if self._token() != slack.bot_token or slack.serve_login_page:
                    return self._reply(200, LOGIN_PAGE, "text/html; charset=utf-8")
                return self._reply(200, f.data, f.mimetype)
            self._api(path, b"")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlsplit(self.path).path
            headers = {k.lower(): v for k, v in self.headers.items()}
            if path.startswith("/upload/"):
                slack._record(Call("upload", {"file_id": path.rsplit("/", 1)[1]}, headers, body))
                return self._reply(200, f"OK - {len(body)}".encode(), "text/plain")
            if path.startswith("/commands/"):
                slack._record(Call("response_url", json.loads(body or b"{}"), headers, body))
                return self._reply(200, b"ok", "text/plain")
            self._api(path, body)

        def _api(self, path: str, body: bytes) -> None:
            method = path.removeprefix("/api/")
            params = self._params(body)
            headers = {k.lower(): v for k, v in self.headers.items()}
            with slack._cond:  # handler threads share the fake's state
                result = slack.api(method, params, self._token())
                slack._record(Call(method, params, headers, body, result))
            self._json(result)

    return Handler
