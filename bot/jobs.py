"""What one review job does: get the bytes (a shared Slack file, the channel's latest report file, or a
URL), review them, and answer in Slack. Each step that has an effect in Slack is recorded first or
right after, so a resumed job neither reviews nor posts twice. Every text leaving here has the
configured secrets masked (bot/logs.py) and is escaped for Slack (bot/blocks.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from extractors.errors import LoadError
from extractors.load import sniff, too_large
from nianbao.contract import load
from nianbao.errors import UserError
from nianbao.models import Finding, Review
from nianbao.render.markdown import render as render_markdown

from .blocks import FAILED_REACTION, VERDICT_REACTION, WORKING_REACTION, escape, failure_text, review_message
from .commands import SUFFIXES_TEXT, is_report_name
from .compare import Comparison, compare
from .fetch import Fetched, FetchError, Limits, Origin, download_slack_file, fetch_url
from .logs import redact, redact_all
from .reviewing import ReviewFn
from .store import DONE, IGNORED, ReviewRow, Store, storable

log = logging.getLogger(__name__)

HISTORY_LIMIT = 100
SHARE_POLLS = (0.5, 1.0, 2.0)  # files.info may list a share a moment after file_shared arrives
_NOT_IN_CHANNEL = ("not_in_channel", "channel_not_found")
NOT_IN_CHANNEL = "机器人不在本频道：请先在频道里输入 /invite @机器人名称，然后重试"
INTERNAL = "审阅时出现内部错误，已记录日志；请稍后重试"


class Unreviewable(UserError):
    """The job cannot go on; the message tells the user why (Chinese)."""


@dataclass(frozen=True)
class Job:
    id: int
    response_url: str | None = None  # kept in memory only: anyone holding it can post to the channel
    resumed: bool = False


def user_reason(exc: Exception) -> str | None:
    """The message for the user, or None for an unexpected error (logged with its traceback)."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, SlackApiError):
        error = exc.response.get("error")
        if error in _NOT_IN_CHANNEL:
            return NOT_IN_CHANNEL
        if error in ("file_not_found", "file_deleted"):
            return "文件已被删除，或机器人无权访问"
    return None


T = TypeVar("T")


def _stored(value: T | None, what: str) -> T:
    """A field the job's kind guarantees is stored: a url job's URL, a found or shared file's id."""
    if value is None:
        raise AssertionError(f"the review has no {what}")
    return value


@dataclass
class Runner:
    client: WebClient
    store: Store
    review: ReviewFn
    limits: Limits
    token: str
    slack_origins: frozenset[Origin]
    allow_hosts: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()  # masked in every text the job posts, uploads or stores

    def mask(self, text: str) -> str:
        return redact(text, self.secrets)

    def run(self, row: ReviewRow, job: Job) -> str:
        """Do the job; returns the final status (done or ignored)."""
        if row.kind == "url":
            url = _stored(row.source_url, "URL")
            review, comparison = self._reviewed(row, lambda: fetch_url(url, self.limits, self.allow_hosts))
            intro = f"<@{row.user_id}> 请求审阅 {escape(self.mask(url))}"
            self._reply(row, review, comparison, job, intro)
            return DONE
        if row.file_id is None:  # /review last
            row = self._resolve_last(row)
        file_id = _stored(row.file_id, "file id")  # _resolve_last stores the file it found, or raises
        info = self.client.files_info(file=file_id)["file"]
        if not is_report_name(info.get("name")):
            return IGNORED
        if row.thread_ts is None:
            row = self._locate_share(row, file_id, info)
        self._react(row, add=WORKING_REACTION)
        review, comparison = self._reviewed(row, lambda: self._download(info))
        self._reply(row, review, comparison, job)
        return DONE

    # -- getting the bytes ------------------------------------------------------------------------

    def _resolve_last(self, row: ReviewRow) -> ReviewRow:
        history = self.client.conversations_history(channel=row.channel, limit=HISTORY_LIMIT)
        for msg in history["messages"]:  # newest first
            for f in msg.get("files", []):
                if not msg.get("bot_id") and is_report_name(f.get("name")):
                    self.store.update(
                        row.id,
                        file_id=f["id"],
                        file_name=f["name"],
                        message_ts=msg["ts"],
                        thread_ts=msg.get("thread_ts") or msg["ts"],
                    )
                    return self.store.get(row.id)
        raise Unreviewable(f"本频道最近 {HISTORY_LIMIT} 条消息里没有报告文件（{SUFFIXES_TEXT}）")

    def _locate_share(self, row: ReviewRow, file_id: str, info: dict) -> ReviewRow:
        """``file_shared`` carries no message ts: the thread comes from the file's shares."""
        for delay in (0, *SHARE_POLLS):
            time.sleep(delay)
            if delay:
                info = self.client.files_info(file=file_id)["file"]
            shares = info.get("shares", {})
            for scope in ("public", "private"):
                if entries := shares.get(scope, {}).get(row.channel):
                    ts = entries[0]["ts"]
                    self.store.update(
                        row.id,
                        file_name=info["name"],
                        message_ts=ts,
                        thread_ts=entries[0].get("thread_ts") or ts,
                    )
                    return self.store.get(row.id)
        log.warning(
            "review %s: no share of %s in %s; answering in the channel", row.id, row.file_id, row.channel
        )
        self.store.update(row.id, file_name=info["name"])
        return self.store.get(row.id)

    def _download(self, info: dict) -> Fetched:
        size = info.get("size")
        if size is not None and size > self.limits.max_bytes:
            raise FetchError(too_large(size, self.limits.max_bytes))
        url = info.get("url_private_download") or info.get("url_private")
        if not url:
            raise FetchError("Slack 没有提供这个文件的下载地址（外部文件或已删除）")
        fetched = download_slack_file(url, self.limits, self.token, self.slack_origins)
        if _is_login_page(fetched, info):
            raise FetchError("下载到的是 Slack 登录页而不是文件：请确认机器人有 files:read 权限、令牌有效")
        return replace(fetched, name=info.get("name") or fetched.name)

    # -- reviewing and answering ------------------------------------------------------------------

    def _reviewed(self, row: ReviewRow, get: Callable[[], Fetched]) -> tuple[Review, Comparison | None]:
        """The review (the stored one when resuming) and its comparison with the previous review."""
        if row.review_json is not None:
            review = load(Review, row.review_json)
        else:
            fetched = get()
            row.file_name = fetched.name
            self.store.update(row.id, file_name=row.file_name)
            review = self._outgoing(self.review(fetched.data, fetched.name))
        previous = (
            self.store.previous(row.channel, review.report.issuer, review.report.year, row.id)
            if review.report.issuer and review.report.year
            else None
        )
        comparison = None
        if previous is not None:
            before_json = _stored(previous.review_json, "stored review")  # previous() selects only those
            before = [load(Finding, f) for f in before_json["findings"]]
            comparison = compare(
                before,
                review.findings,
                previous.created_at,
                same_content=previous.sha256 == review.source.sha256,
            )
        if row.review_json is None:
            changes = (
                (len(comparison.fixed), len(comparison.new), len(comparison.still_open)) if comparison else ()
            )
            self.store.save_review(row.id, review, previous.id if previous is not None else None, *changes)
        return review, comparison

    def _outgoing(self, review: Review) -> Review:
        """The review as it may leave the process: secrets masked (an LLM endpoint may echo its key in an
        error) and every text storable, so a resumed job posts exactly what a first run posts."""
        out = load(Review, storable(redact_all(review.to_json_dict(), self.secrets)))
        for sent, kept in zip(review.narrative.calls, out.narrative.calls, strict=True):
            # the audit log is not in the JSON: masked here the same way (an answer may echo the key)
            kept.exchanges = storable(redact_all(sent.exchanges, self.secrets))
        return out

    def _reply(
        self,
        row: ReviewRow,
        review: Review,
        comparison: Comparison | None,
        job: Job,
        intro: str | None = None,
    ) -> None:
        if row.reply_ts is None:
            note = "（服务重启后继续完成）" if job.resumed else None
            text, blocks = review_message(review, comparison, intro, note)
            resp = self.client.chat_postMessage(
                channel=row.channel,
                thread_ts=row.thread_ts,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
            row.reply_ts = resp["ts"]
            self.store.update(row.id, reply_ts=row.reply_ts)
        if row.upload_id is None:
            stem = PurePosixPath(row.file_name or "report").stem
            title = escape(f"审阅：{review.report.issuer or stem} {review.report.year or ''}".strip())
            upload = self.client.files_upload_v2(
                channel=row.channel,
                thread_ts=row.thread_ts or row.reply_ts,
                filename=f"{stem}-审阅.md",
                content=render_markdown(review),
                title=title,
            )
            self.store.update(row.id, upload_id=upload["file"]["id"])
        self._react(row, remove=WORKING_REACTION, add=VERDICT_REACTION[review.verdict])

    def tell_failure(self, row: ReviewRow, reason: str, job: Job) -> None:
        """Best effort: in the file's thread, else privately to the user who asked."""
        text = self.mask(failure_text(row.file_name or row.source_url or "文件", reason))
        try:
            self._react(row, remove=WORKING_REACTION, add=FAILED_REACTION)
            if row.kind != "url" and row.file_id and row.thread_ts:
                self.client.chat_postMessage(channel=row.channel, thread_ts=row.thread_ts, text=text)
            elif job.response_url:
                WebhookClient(job.response_url, timeout=10).send(text=text, response_type="ephemeral")
            elif row.user_id:
                self.client.chat_postEphemeral(channel=row.channel, user=row.user_id, text=text)
        except Exception as exc:  # best effort: the reason is stored either way
            log.warning("review %s: could not tell the user (%s)", row.id, exc.__class__.__name__)

    def _react(self, row: ReviewRow, add: str | None = None, remove: str | None = None) -> None:
        if row.message_ts is None:
            return
        for call, name in ((self.client.reactions_remove, remove), (self.client.reactions_add, add)):
            if name is None:
                continue
            try:
                call(channel=row.channel, timestamp=row.message_ts, name=name)
            except SlackApiError as exc:  # already_reacted, no_reaction, …: a reaction is decoration
                log.info("review %s: reaction %s: %s", row.id, name, exc.response.get("error"))


def _is_login_page(fetched: Fetched, info: dict) -> bool:
    """Without the token (or the files:read scope) Slack answers 200 with its HTML sign-in page."""
    try:
        if sniff(fetched.data) != "html":
            return False
    except LoadError:
        return False
    size = info.get("size")
    wrong_size = size is not None and size != len(fetched.data)
    if info.get("filetype") == "html" or (info.get("name") or "").lower().endswith((".html", ".htm")):
        return wrong_size
    return wrong_size or "text/html" in fetched.content_type.lower()
