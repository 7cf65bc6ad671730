"""One structured LLM request: langchain-openai ``ChatOpenAI`` over any OpenAI-compatible
endpoint, tenacity owning the retries (the client's own are off), and one re-ask with the
validation error when the answer does not fit the schema (the instructor pattern). Every request
ends at its wall-clock deadline whatever the peer sends (see ``_BoundedBackend``).
Imported on the LLM path only: langchain and openai cost about two seconds to import."""

from __future__ import annotations

import contextvars
import email.utils
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

import httpcore2
import httpx2
import openai
import pydantic
from langchain_core.exceptions import OutputParserException
from langchain_openai import ChatOpenAI
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from ..errors import UserError
from ..models import LLMCall
from .inputs import estimate_tokens
from .settings import LLMSettings

_Answer = TypeVar("_Answer", bound=pydantic.BaseModel)  # the schema a StructuredLLM answers in
MAX_RETRY_AFTER = 60.0  # seconds; a longer Retry-After would stall a whole batch
_ROLES = {"human": "user", "ai": "assistant"}  # langchain's names -> the wire's, as the audit log keeps them
Messages = list[tuple[str, str]]
# the answer arrived but is not the schema: re-ask, never retry blindly
_INVALID = (
    pydantic.ValidationError,
    OutputParserException,
    openai.LengthFinishReasonError,
    openai.ContentFilterFinishReasonError,
)


class LLMFailure(UserError):
    """The model could not give a valid answer; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str, answered: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.answered = answered  # the model answered, but not in the form asked


def over_budget(settings: LLMSettings) -> LLMFailure:
    return LLMFailure(f"超过叙述审阅总时限（{settings.budget:g} 秒）")


# The wall-clock end of the request being made (a ``time.monotonic()`` value). A context variable,
# not a thread-local: langchain runs the model of a structured-output chain in an executor thread,
# with a copy of the caller's context.
_REQUEST_END: contextvars.ContextVar[float] = contextvars.ContextVar("nianbao_llm_request_end")


def _until_end(timeout: float | None) -> float:
    """httpx's per-operation ``timeout`` cut to what is left of the request's wall-clock time."""
    left = _REQUEST_END.get() - time.monotonic()
    if left <= 0:
        raise httpcore2.ReadTimeout("deadline")  # httpx and openai report it as any timeout
    return left if timeout is None else min(timeout, left)


class _BoundedStream(httpcore2.NetworkStream):
    def __init__(self, stream: httpcore2.NetworkStream):
        self.stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, _until_end(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, _until_end(timeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore2.NetworkStream:
        return _BoundedStream(self.stream.start_tls(ssl_context, server_hostname, _until_end(timeout)))

    def get_extra_info(self, info: str):
        return self.stream.get_extra_info(info)


class _BoundedBackend(httpcore2.SyncBackend):
    """Connections whose every connect, TLS handshake, send and receive waits at most until
    ``_REQUEST_END``. Why here: httpx's timeouts count per read, so a peer that sends a byte now
    and then (DeepSeek's keep-alive newlines while overloaded) holds a request for ever, and neither
    openai nor langchain bounds a whole request. Cut at this level, the request ends at its deadline
    in the caller's own thread and httpcore closes the connection as after any timeout: nothing is
    left running. Streaming with a clock check between chunks would change the request, need SSE
    from every endpoint (the eval's replay server included) and leave the wait for the headers
    unbounded; a thread abandoned at the deadline, its client closed, would read on if the close
    fell while it was still connecting."""

    def connect_tcp(
        self, host, port, timeout=None, local_address=None, socket_options=None
    ) -> httpcore2.NetworkStream:
        return _BoundedStream(
            super().connect_tcp(host, port, _until_end(timeout), local_address, socket_options)
        )


def _bounded_client() -> httpx2.Client:
    """openai's default client (its connection limits; proxies from the environment, as before)
    with every connection, direct or through a proxy, made by ``_BoundedBackend``. httpx has no
    public hook for the network backend, hence the private attributes; tests/test_deadlines.py
    fails if they change."""
    client = openai.DefaultHttpxClient()
    backend = _BoundedBackend()
    for transport in (client._transport, *client._mounts.values()):
        if transport is not None:  # None: a host NO_PROXY exempts, served by client._transport
            # typed BaseTransport; the default client builds only HTTPTransport (direct or proxy)
            cast(httpx2.HTTPTransport, transport)._pool._network_backend = backend
    return client


def _transient(exc: BaseException) -> bool:
    """What openai itself would retry: timeouts, lost connections, 408/409/429 and 5xx."""
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    return isinstance(exc, openai.APIStatusError) and (
        exc.status_code in (408, 409, 429) or exc.status_code >= 500
    )


def _retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (Retry-After-Ms, Retry-After in seconds or as a date)."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    for name, scale in (("retry-after-ms", 1000), ("retry-after", 1)):
        try:
            return float(headers[name]) / scale
        except (KeyError, ValueError):
            continue
    try:
        when = email.utils.parsedate_to_datetime(headers.get("retry-after", ""))
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def describe(exc: BaseException, settings: LLMSettings) -> str:
    """Which endpoint and model answered what, in Chinese: the one line a user needs to fix the
    configuration (a retired model name answers 404 or 400 on every report)."""
    where = f"{settings.endpoint}，模型 {settings.model}"
    if isinstance(exc, openai.APITimeoutError):
        return f"请求超时（{settings.timeout:g} 秒内未完成；{where}）"
    if isinstance(exc, openai.APIConnectionError):
        return f"无法连接大模型服务（{where}）"
    if isinstance(exc, openai.APIStatusError):
        code = exc.status_code
        what = {
            401: "鉴权失败，请检查 OPENAI_API_KEY",
            403: "无权访问",
            404: "模型或地址不存在，请检查 NIANBAO_MODEL 和 OPENAI_BASE_URL",
            429: "被限流",
        }.get(code, "服务器错误" if code >= 500 else "请求被拒绝")
        # a 400 usually names the cause, e.g. DeepSeek's 「This response_format type is unavailable now」
        detail = exc.body.get("message") if code in (400, 404, 422) and isinstance(exc.body, dict) else None
        return f"{what}（HTTP {code}{'：' + str(detail)[:80] if detail else ''}；{where}）"
    return exc.__class__.__name__


_reported: set[str] = set()
_reported_lock = threading.Lock()


def report_once(reason: str) -> None:
    """The endpoint's error on stderr once per process, not once per report of a batch."""
    with _reported_lock:
        if reason in _reported:
            return
        _reported.add(reason)
    logging.getLogger("nianbao.llm").warning("大模型服务出错：%s", reason)


def cached_tokens(usage: dict) -> int:
    """Prompt tokens served from the provider's cache: OpenAI and DashScope report
    ``prompt_tokens_details.cached_tokens``, DeepSeek ``prompt_cache_hit_tokens``."""
    details = usage.get("prompt_tokens_details") or {}
    return int(usage.get("prompt_cache_hit_tokens") or details.get("cached_tokens") or 0)


def _brief(exc: BaseException) -> str:
    """The validation error, short enough to send back to the model."""
    if isinstance(exc, pydantic.ValidationError):
        return "；".join(f"{'.'.join(map(str, e['loc'])) or '整体'}：{e['msg']}" for e in exc.errors()[:6])
    if isinstance(exc, openai.LengthFinishReasonError):
        return "输出被截断（达到长度上限），请精简 summary 和 quote"
    text = str(exc).split("\nFor troubleshooting", 1)[0]  # langchain appends a docs link
    return text.split("Got: ", 1)[-1][:300]


class StructuredLLM(Generic[_Answer]):
    """Thread-safe: the chat model is shared, each ``ask`` keeps its own state."""

    def __init__(
        self,
        settings: LLMSettings,
        schema: type[_Answer],
        report: Callable[[str], None] = report_once,
    ):
        self.settings = settings
        self.report = report  # where a failure is told (``nianbao llm check`` prints it itself)
        body = dict(settings.extra_body)
        # langchain sends max_tokens as max_completion_tokens, which only OpenAI and vLLM read:
        # the others get the field they honour in the body
        in_body = settings.length_field == "max_tokens"
        if in_body:
            body.setdefault("max_tokens", settings.max_output_tokens)
        chat = ChatOpenAI(
            model=settings.model,
            base_url=settings.endpoint,
            api_key=pydantic.SecretStr(settings.api_key or "not-needed"),
            timeout=settings.timeout,
            max_retries=0,
            temperature=0,
            max_completion_tokens=None if in_body else settings.max_output_tokens,  # max_tokens' alias
            reasoning_effort=body.pop("reasoning_effort", None),  # langchain keeps temperature only then
            extra_body=body or None,
            use_responses_api=False,
            http_client=_bounded_client(),
            http_socket_options=(),
        )  # else langchain tunes (and warns about) the unused async client
        self.runnable = chat.with_structured_output(schema, method=settings.method, include_raw=True)
        self._deadline = threading.local()  # per thread: batches share this instance
        self._backoff = wait_exponential_jitter(
            multiplier=settings.backoff, max=settings.backoff * 16, jitter=settings.backoff
        )

    def ask(self, messages: Messages, reask: Callable[[str], str], call: LLMCall, deadline: float) -> _Answer:
        """The parsed answer; ``call`` records attempts, tokens, latency and the error. Nothing runs
        past ``deadline`` (a ``time.monotonic()`` value): no retry starts, and a request in flight
        ends there. Raises LLMFailure."""
        start = time.perf_counter()
        self._deadline.value = deadline
        try:
            return self._ask(messages, reask, call)
        except LLMFailure as exc:
            call.ok, call.error = False, exc.reason
            self.report(exc.reason)
            raise
        finally:
            call.latency_ms = round((time.perf_counter() - start) * 1000)

    def _ask(self, messages: Messages, reask: Callable[[str], str], call: LLMCall) -> _Answer:
        try:
            parsed, raw, error = self._with_retries(messages, call)
            if error:
                followup = [*messages, *([("ai", raw)] if raw else []), ("human", reask(error))]
                parsed, _, error = self._with_retries(followup, call)
                if error:
                    raise LLMFailure(f"两次输出都不符合格式（{error[:80]}）", answered=True)
            # no error: _attempt answered (parsed, "", ""), so parsed is set
            return cast(_Answer, parsed)
        except openai.APITimeoutError as exc:
            if time.monotonic() >= self._deadline.value:  # cut by the deadline, not by its own timeout
                raise over_budget(self.settings) from exc
            raise LLMFailure(describe(exc, self.settings)) from exc
        except openai.APIError as exc:
            raise LLMFailure(describe(exc, self.settings)) from exc

    def _with_retries(self, messages: Messages, call: LLMCall) -> tuple[_Answer | None, str, str]:
        retrying = Retrying(
            # tenacity types ``|`` for its stop classes only; stop_any calls any predicate alike
            stop=stop_after_attempt(self.settings.max_attempts) | self._past_deadline,  # type: ignore[operator]
            wait=self._wait,
            retry=retry_if_exception(_transient),
            reraise=True,
        )
        return retrying(self._attempt, messages, call)

    def _past_deadline(self, state: RetryCallState) -> bool:
        return time.monotonic() + state.upcoming_sleep >= self._deadline.value  # the wait tenacity will sleep

    def _wait(self, state: RetryCallState) -> float:
        after = _retry_after(state.outcome.exception() if state.outcome else None)
        return min(max(after, 0.0), MAX_RETRY_AFTER) if after is not None else self._backoff(state)

    def _attempt(self, messages: Messages, call: LLMCall) -> tuple[_Answer | None, str, str]:
        """One request: (parsed, "", "") or (None, raw text, why it does not fit)."""
        now = time.monotonic()
        if now >= self._deadline.value:  # e.g. the re-ask, whose first attempt no stop condition guards
            raise over_budget(self.settings)
        call.attempts += 1
        sent = estimate_tokens("".join(text for _, text in messages), self.settings.tokens_per_cjk)
        exchange: dict[str, Any] = {  # the audit log's record of this request
            "messages": [{"role": _ROLES.get(role, role), "content": text} for role, text in messages],
            "answer": None,
        }
        call.exchanges.append(exchange)
        started = time.perf_counter()
        try:
            result = self._invoke(messages, min(now + self.settings.timeout, self._deadline.value))
        except _INVALID as exc:  # json_schema parses inside the client, so no raw text here
            call.tokens_in += sent
            exchange["error"] = _brief(exc)
            return None, "", exchange["error"]
        except Exception as exc:  # retried or reported by the caller; the audit log keeps why
            exchange["error"] = describe(exc, self.settings)
            raise
        finally:
            exchange["latency_ms"] = round((time.perf_counter() - started) * 1000)
        raw = result["raw"]
        text = raw.content if isinstance(raw.content, str) else ""
        calls_made = getattr(raw, "tool_calls", None) or []
        if not text and calls_made:
            text = json.dumps(calls_made[0].get("args") or {}, ensure_ascii=False)
        if not text and (bad := getattr(raw, "invalid_tool_calls", None)):
            text = bad[0].get("args") or ""
        usage = raw.usage_metadata or {}
        tokens_in = usage.get("input_tokens") or sent
        tokens_out = usage.get("output_tokens") or estimate_tokens(text, self.settings.tokens_per_cjk)
        cached = cached_tokens((raw.response_metadata or {}).get("token_usage") or {})
        call.tokens_in += tokens_in
        call.tokens_cached += cached
        call.tokens_out += tokens_out
        exchange.update(
            answer=text,
            tokens_in=tokens_in,
            tokens_cached=cached,
            tokens_out=tokens_out,
            model=(raw.response_metadata or {}).get("model_name") or self.settings.model,
        )
        if result["parsed"] is not None:
            return result["parsed"], "", ""
        error = result["parsing_error"]
        # function_calling swallows a missing or broken tool call and returns None (stack P3)
        return None, text, _brief(error) if error else "没有返回结构化结果（缺少工具调用或参数不是 JSON）"

    def _invoke(self, messages: Messages, end: float) -> dict:
        """The request, ended by ``_BoundedBackend`` at ``end`` (a ``time.monotonic()`` value)."""
        token = _REQUEST_END.set(end)
        try:
            return self.runnable.invoke(messages)
        finally:
            _REQUEST_END.reset(token)
