"""Bolt listeners: parse, enqueue (a claim in the store), acknowledge. No Slack call, download or review
happens here, so Slack gets its answer in milliseconds."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App

from . import commands
from .worker import Worker

log = logging.getLogger(__name__)


def file_key(channel: str, file_id: str) -> str:
    return f"file:{channel}:{file_id}"


def register(app: App, worker: Worker, rules_text: str) -> None:
    @app.event({"type": "message", "subtype": "file_share"})
    def on_file_message(body: dict, event: dict) -> None:
        if not worker.first_delivery(body.get("event_id")):
            return
        channel, ts = event["channel"], event["ts"]
        for f in event.get("files", []):
            if commands.is_report_name(f.get("name")):  # others may lack a name here; file_shared covers them
                worker.enqueue(
                    file_key(channel, f["id"]),
                    kind="file",
                    channel=channel,
                    user_id=event.get("user"),
                    file_id=f["id"],
                    file_name=f["name"],
                    message_ts=ts,
                    thread_ts=event.get("thread_ts") or ts,
                )

    @app.event("file_shared")
    def on_file_shared(body: dict, event: dict) -> None:
        if worker.first_delivery(body.get("event_id")):
            channel, file_id = event["channel_id"], event["file_id"]
            worker.enqueue(
                file_key(channel, file_id),
                kind="file",
                channel=channel,
                user_id=event.get("user_id"),
                file_id=file_id,
            )

    @app.event("message")
    def on_other_message() -> None:
        """Chat needs no answer; registered so that bolt does not warn about unhandled events."""

    @app.command("/review")
    def on_review(ack: Ack, command: dict) -> None:
        action, arg = commands.parse(command.get("text", ""))
        answer = {"help": commands.USAGE, "rules": rules_text, "invalid": f"{arg}\n{commands.USAGE}"}.get(
            action
        )
        if answer is not None:  # answered privately, nothing to queue
            ack(text=answer)
            return
        try:  # claimed before the answer, so "收到" promises a review that exists
            review_id = worker.claim(
                f"cmd:{command['trigger_id']}",
                kind=action,
                channel=command["channel_id"],
                user_id=command.get("user_id"),
                source_url=arg if action == "url" else None,
            )
        except Exception:
            log.exception("/review: could not record the request")
            ack(text=commands.QUEUE_FAILED)
            return
        ack(text=commands.accepted(action, arg))
        if review_id is not None:  # started after the answer: a quick failure never arrives before it
            worker.submit(review_id, command.get("response_url"))
