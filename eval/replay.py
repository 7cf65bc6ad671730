"""A local OpenAI-compatible endpoint that answers from recordings (stdlib only).

The eval runs the real LLM reviewer against it, so prompts, the client, parsing, quote
verification and claim comparison are exercised exactly as in production. A request is keyed by
the hash of its model and messages: the messages hold the rendered prompt and the narrative
input, so a changed prompt or a changed report is a new key — a miss. A miss is answered with
HTTP 400 (the client never retries a 400, so it costs one request) unless ``on_miss`` supplies
an answer: the configured model in record mode (``Upstream``), hand-written reference answers
when a maintainer re-keys them (scripts/make_eval_cases.py).

A recording (an entry) is ``{"source", "prompt", "note", "content", "usage"}``, or
``{"source", "prompt", "note", "status"}`` for an error reply replayed on every attempt.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Entry = dict
OnMiss = Callable[[dict], "Entry | None"]  # the request body -> a new entry, or None for a miss
DEFAULT_UPSTREAM = "https://api.openai.com/v1"


class JSONHandler(BaseHTTPRequestHandler):
    """A quiet HTTP/1.1 handler that answers JSON, as OpenAI-compatible endpoints do."""

    protocol_version = "HTTP/1.1"

    def send_json(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def loopback_server(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """An HTTP server on 127.0.0.1 with a free port and its (not yet started) daemon thread;
    a short poll interval keeps shutdown quick."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    return server, threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)


class UpstreamError(Exception):
    """The upstream model failed: passed on to the client with this status, never recorded."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def request_key(model: str, messages: list[dict]) -> str:
    """sha256 of the canonical JSON ``[model, messages]``; only role and content of a message
    count, so a client that adds empty fields does not invalidate every recording."""
    canonical = [model, [{"role": m.get("role"), "content": m.get("content")} for m in messages]]
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ReplayServer:
    """``POST /v1/chat/completions`` on 127.0.0.1. One case at a time: ``load`` gives it the
    case's recordings; afterwards ``used`` holds every entry served (hits and new answers, in
    request order), ``missing`` the keys nobody could answer, ``errors`` the upstream failures."""

    def __init__(self):
        self.book: dict[str, Entry] = {}
        self.on_miss: OnMiss | None = None
        self.used: dict[str, Entry] = {}
        self.missing: list[str] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(JSONHandler):
            timeout = 30  # a client that stops sending must not hold a thread forever

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = None
                if not self.path.endswith("/chat/completions") or not isinstance(body, dict):
                    self.send_json(
                        404, _error(404, "replay: only POST /v1/chat/completions with a JSON body")
                    )
                    return
                self.send_json(*server._answer(body))

        self.server, self._thread = loopback_server(Handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def load(self, book: dict[str, Entry], on_miss: OnMiss | None = None) -> None:
        with self._lock:
            self.book, self.on_miss = book, on_miss
            self.used, self.missing, self.errors = {}, [], []

    def __enter__(self) -> ReplayServer:
        # the client must reach 127.0.0.1 directly, also where an HTTP proxy is configured
        for name in ("NO_PROXY", "no_proxy"):
            if "127.0.0.1" not in os.environ.get(name, ""):
                os.environ[name] = ",".join(filter(None, (os.environ.get(name), "127.0.0.1")))
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, body: dict) -> tuple[int, dict]:
        model = str(body.get("model", ""))
        key = request_key(model, body.get("messages") or [])
        entry = self.book.get(key) or self.used.get(key)
        if entry is None and self.on_miss is not None:
            try:
                entry = self.on_miss(body)
            except UpstreamError as exc:
                with self._lock:
                    self.errors.append(f"HTTP {exc.status}: {exc.message}")
                return exc.status, _error(exc.status, exc.message)
        with self._lock:
            if entry is None:
                self.missing.append(key)
                return 400, _error(
                    400, f"replay: no recording for request {key}; re-record with `nianbao eval --record`"
                )
            self.used[key] = entry
        if "status" in entry:
            return entry["status"], _error(entry["status"], f"recorded error {entry['status']}")
        return 200, _completion(body, entry)


def _error(status: int, message: str) -> dict:
    return {"error": {"message": message, "type": "replay_error", "code": status}}


def _completion(body: dict, entry: Entry) -> dict:
    """The recorded answer in the shape the request asked for: a forced tool call when it offered
    tools (``function_calling``), else the message content (``json_mode``, ``json_schema``)."""
    message: dict = {"role": "assistant", "content": entry["content"]}
    finish = "stop"
    if body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_replay",
                    "type": "function",
                    "function": {"name": name, "arguments": entry["content"]},
                }
            ],
        }
        finish = "tool_calls"
    return {
        "id": "chatcmpl-replay",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(body.get("model", "")),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": entry.get("usage") or {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def answer_text(message: dict) -> str | None:
    """What a chat completion's message answered: its content, or its first tool call's arguments."""
    calls = message.get("tool_calls") or []
    if isinstance(message.get("content"), str) and message["content"]:
        return message["content"]
    if calls and isinstance(calls[0].get("function", {}).get("arguments"), str):
        return calls[0]["function"]["arguments"]
    return message.get("content") if isinstance(message.get("content"), str) else None


class Upstream:
    """Record mode: a miss is sent, as is, to the configured OpenAI-compatible endpoint; the
    answer is recorded with the model name the endpoint reports as its ``source``."""

    def __init__(self, base_url: str | None, api_key: str | None, timeout: float, prompt_id: str):
        self.url = (base_url or DEFAULT_UPSTREAM).rstrip("/") + "/chat/completions"
        self.api_key = api_key or "not-needed"
        self.timeout = timeout
        self.prompt_id = prompt_id

    def __call__(self, body: dict) -> Entry:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"content-type": "application/json", "authorization": f"Bearer {self.api_key}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.load(response)
            content = answer_text(answer["choices"][0]["message"])
        except urllib.error.HTTPError as exc:
            raise UpstreamError(exc.code, _reason(exc)) from None
        except (urllib.error.URLError, OSError) as exc:  # includes timeouts
            raise UpstreamError(502, f"upstream unreachable ({exc})") from None
        except (ValueError, KeyError, IndexError, TypeError):
            raise UpstreamError(502, "upstream answer is not a chat completion") from None
        if not isinstance(content, str):
            raise UpstreamError(502, "upstream answer has no text content")
        served_by = f" ({answer['system_fingerprint']})" if answer.get("system_fingerprint") else ""
        return {
            "source": answer.get("model") or body.get("model"),
            "prompt": self.prompt_id,
            "note": f"recorded from the model by `nianbao eval --record`{served_by}",
            "content": content,
            "usage": answer.get("usage") or {},
        }


def _reason(exc: urllib.error.HTTPError) -> str:
    """The message of an OpenAI-style error body, else the body's start, else the HTTP reason."""
    body = exc.read(2000)
    try:
        return str(json.loads(body)["error"]["message"])[:200]
    except (ValueError, KeyError, TypeError):
        return body[:200].decode("utf-8", "replace") or str(exc.reason)
