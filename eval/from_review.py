"""``nianbao eval --from-review ID --input REPORT``: a disputed production review becomes an eval
case. The store keeps what the model was sent and answered (the audit log, ``llm_exchanges``),
not the report: the report comes from the user, and must be the file that was reviewed (same
sha256). The case gets the report, the model's answers as its recordings (replayed exactly as in
production) and a draft of labels copied from the review — not scored until a person has checked
it against the report and set ``"reviewed": true``. Its golden is written by
``nianbao eval --update-golden`` as for any new case."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from sqlalchemy import select

from bot.config import store_url
from bot.store import LLMCallRow, ReviewRow, Store
from nianbao.errors import UserError

from .replay import request_key


def case_from_review(review_id: str, root: Path, report: Path | None, db: str | None = None) -> Path:
    """The new case's folder under ``root``. Raises UserError, in Chinese, for what does not fit."""
    if report is None:
        raise UserError(
            "--from-review 需要用 --input 给出当时审阅的报告文件（存储中只有发给大模型的文字，没有报告本身）"
        )
    if not review_id.isdigit():
        raise UserError(f"审阅编号应为数字（{review_id}）")
    try:
        data = report.read_bytes()
    except OSError as exc:
        raise UserError(f"{report}：无法读取（{exc.strerror or exc.__class__.__name__}）") from None
    store = Store(store_url(db))
    try:
        with store.session() as s:
            row = s.get(ReviewRow, int(review_id))
            if row is None or row.review_json is None:
                raise UserError(f"存储中没有已完成的审阅 {review_id}")
            if row.sha256 != hashlib.sha256(data).hexdigest():
                raise UserError(f"{report} 不是审阅 {review_id} 的文件（sha256 不同）")
            calls = list(
                s.scalars(select(LLMCallRow).where(LLMCallRow.review_id == row.id).order_by(LLMCallRow.id))
            )
            recordings = {
                request_key(c.model, e.messages): _entry(row.id, c, e)
                for c in calls
                for e in c.exchanges
                if e.answer is not None
            }
            narrative = row.review_json.get("narrative") or {}
            findings = [f for f in row.review_json["findings"] if f["source"] == "llm"]
    finally:
        store.close()
    if not recordings:
        raise UserError(f"审阅 {review_id} 没有大模型的回答可用（未调用大模型，或每次调用都失败了）")
    folder = root / f"review-{review_id}"
    if folder.exists():
        raise UserError(f"{folder} 已存在")
    folder.mkdir(parents=True)
    shutil.copyfile(report, folder / f"input{report.suffix.lower() or '.txt'}")
    model = calls[0].model
    _write(folder / "recordings.json", {"model": model, "recordings": recordings})
    _write(
        folder / "labels.json",
        {
            "reviewed": False,
            "note": f"草稿：复制自审阅 {review_id} 当时模型的判断，请对照报告原文逐项改正，然后把 reviewed 设为 true",
            "aspects": {a["aspect"]: a["status"] for a in narrative.get("aspects", [])},
            "findings": [
                {"rule": f["rule"], "part": f["part"], "line": f["location"]["line"]} for f in findings
            ],
        },
    )
    return folder


def _entry(review_id: int, call: LLMCallRow, exchange) -> dict:
    return {
        "source": exchange.model,
        "model": call.model,
        "prompt": call.prompt,
        "note": f"recorded in production, review {review_id}",
        "content": exchange.answer,
        "usage": {
            "prompt_tokens": exchange.tokens_in,
            "completion_tokens": exchange.tokens_out,
            "total_tokens": exchange.tokens_in + exchange.tokens_out,
            "prompt_tokens_details": {"cached_tokens": exchange.tokens_cached},
        },
    }


def _write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
