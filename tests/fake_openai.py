"""A fake OpenAI-compatible chat-completions server for tests and benchmarks (stdlib only).

Real clients talk to it over HTTP on 127.0.0.1 — openai 3.x sends through httpx2, which respx
cannot intercept, so a real local server is the only faithful fake. Scripted: each request takes
the next response from a queue, or ``default`` when the queue is empty. A response is

- a ``dict``: the answer as JSON — message content, or the arguments of a tool call when the
  request offered tools (langchain's ``function_calling``);
- a ``str``: the message content as is (prose, broken JSON, fenced JSON …); ``HANG`` never answers;
- an ``int``: that HTTP status with an OpenAI-style error body;
- a ``Reply``: full control (status, headers, delay, finish_reason, usage, trickle);
- a callable ``f(request) -> any of the above``.

Every request is recorded (``requests``) with lower-cased headers and its JSON body; a request
whose client hung up while a trickling answer was being sent is also in ``abandoned``.

    with FakeOpenAI([Reply(429, headers={"Retry-After": "1"}), {"summary": "…"}]) as fake:
        ChatOpenAI(base_url=fake.base_url, api_key="test", ...)
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eval.replay import JSONHandler, loopback_server
from nianbao.narrative.inputs import estimate_tokens

HANG = "hang"


@dataclass
class Reply:
    status: int = 200
    content: str | dict | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    finish_reason: str = "stop"
    usage: dict | None = None  # None: estimated from the request and the answer
    # seconds between bytes: the headers at once, then a newline every ``trickle`` seconds for
    # ``delay`` seconds, then the answer — DeepSeek's keep-alive lines while it is overloaded
    trickle: float = 0.0


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict
    at: float

    @property
    def messages(self) -> list[dict]:
        return self.body.get("messages", [])

    def text(self, role: str | None = None) -> str:
        """All message contents (of one role), joined."""
        return "\n".join(m.get("content") or "" for m in self.messages if role in (None, m.get("role")))


Response = dict | str | int | Reply | Callable[[Request], Any]


class FakeOpenAI:
    def __init__(
        self,
        script: list[Response] = (),
        *,
        default: Response | None = None,
        latency: float = 0.0,
        fingerprint: str | None = None,
    ):
        self.queue: deque[Response] = deque(script)
        self.fingerprint = fingerprint  # the answers' system_fingerprint: who serves them
        self.default = default
        self.latency = latency
        self.requests: list[Request] = []
        self.abandoned: list[Request] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        fake = self

        class Handler(JSONHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                request = Request(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic()
                )
                fake._answer(self, request)

        self.server, self._thread = loopback_server(Handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def push(self, *responses: Response) -> None:
        with self._lock:
            self.queue.extend(responses)

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hanging handlers
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _next(self, request: Request) -> Reply | str:
        with self._lock:
            self.requests.append(request)
            response = self.queue.popleft() if self.queue else self.default
        while callable(response):
            response = response(request)
        if response is None:
            return Reply(500, "fake: script exhausted")
        if response == HANG:
            return HANG
        if isinstance(response, int):
            return Reply(response)
        return response if isinstance(response, Reply) else Reply(content=response)

    def _answer(self, handler: JSONHandler, request: Request) -> None:
        reply = self._next(request)
        if reply == HANG:
            self._stopping.wait(60)
            handler.close_connection = True
            return
        if reply.trickle:
            self._trickle(handler, request, reply)
            return
        if self.latency or reply.delay:
            time.sleep(self.latency + reply.delay)
        if reply.status != 200:
            payload = {
                "error": {
                    "message": reply.content or f"fake error {reply.status}",
                    "type": "fake_error",
                    "code": reply.status,
                }
            }
        else:
            payload = self._completion(request, reply, self.fingerprint)
        handler.send_json(reply.status, payload, reply.headers)

    def _trickle(self, handler: JSONHandler, request: Request, reply: Reply) -> None:
        data = json.dumps(self._completion(request, reply, self.fingerprint), ensure_ascii=False).encode(
            "utf-8"
        )
        lines = int(reply.delay / reply.trickle)
        handler.send_response(200)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(lines + len(data)))
        handler.end_headers()
        handler.close_connection = True
        try:
            for _ in range(lines):
                if self._stopping.wait(reply.trickle):
                    return
                handler.wfile.write(b"\n")
            handler.wfile.write(data)
        except OSError:  # the client hung up (a write after its close fails by the second one)
            self.abandoned.append(request)

    @staticmethod
    def _completion(request: Request, reply: Reply, fingerprint: str | None = None) -> dict:
        content = reply.content
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        tools = request.body.get("tools")
        finish = reply.finish_reason
        if tools and not isinstance(content, str):  # answer the forced tool call
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": tools[0]["function"]["name"], "arguments": text},
                    }
                ],
            }
            finish = "tool_calls" if finish == "stop" else finish
        else:  # a str under tools is a model that ignored the tool and answered in prose
            message = {"role": "assistant", "content": text}
        prompt = estimate_tokens(request.text())
        completion = estimate_tokens(text)
        return {
            "id": f"chatcmpl-fake-{len(text)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.body.get("model", "fake"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": reply.usage
            or {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
            **({"system_fingerprint": fingerprint} if fingerprint else {}),
        }


_PART_NAMES = {"第一部分": "一", "第五部分": "五", "第六部分": "六"}


def covering_answer(request: Request) -> dict:
    """A valid answer to nianbao's narrative prompt for any report: every aspect the request asks
    for is 「covered」 by the first sentence of its own part (``missing`` when the request holds
    no sentence of that part). For load tests and split-request tests."""
    from nianbao.narrative.aspects import BY_KEY

    user = request.text("user")
    keys = [k for k in re.search(r"需评价的方面：([^。\n]*)。", user).group(1).split("、") if k != "无"]
    named = re.search(r"本次原文：([^。（\n]*)", user).group(1)
    part = next((p for name, p in _PART_NAMES.items() if name in named.split("、")[0]), None)
    first: dict[str, str] = {}
    for text in re.findall(r"^\d+: (.+)$", user, re.MULTILINE):
        heading = re.match(r"([一二三四五六])、", text)
        if heading:
            part = heading.group(1)
        elif part and len(text) > 24:
            first.setdefault(part, re.split("[。；]", text)[0][:30])
    aspects = [
        {"aspect": k, "status": "covered", "quote": first[BY_KEY[k].part]}
        if BY_KEY[k].part in first
        else {"aspect": k, "status": "missing"}
        for k in keys
    ]
    return {"aspects": aspects, "claims": [], "observations": [], "summary": "叙述部分完整。"}
