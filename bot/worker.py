"""Reviews run here, on a bounded pool, never on bolt's listener threads.

Lifecycle of a review row: queued → running → done | ignored | failed. A job is claimed by a unique
key in the store before it is queued, so duplicate deliveries (one upload fires two events; Slack
retries) create nothing. At startup, rows a crash left queued or running are resumed; a row that
already crashed ``MAX_ATTEMPTS`` times is marked failed and the user is told.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .jobs import INTERNAL, Job, Runner, user_reason
from .store import FAILED, ReviewRow, Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2
INTERRUPTED = "服务重启时审阅中断，未能完成；请重新上传文件，或使用 /review last"


class Worker:
    def __init__(self, store: Store, runner: Runner, workers: int):
        self.store, self.runner = store, runner
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="review")

    def first_delivery(self, event_id: str | None) -> bool:
        return not event_id or self.store.first_delivery(event_id)

    def enqueue(self, dedup_key: str, response_url: str | None = None, **fields: Any) -> int | None:
        """Claim and queue a review; None when it was already claimed (a duplicate)."""
        review_id = self.store.create(dedup_key, **fields)
        if review_id is not None:
            self._pool.submit(self._process, Job(review_id, response_url))
        return review_id

    def resume(self) -> None:
        for row in self.store.unfinished():
            if row.attempts >= MAX_ATTEMPTS:
                log.warning("review %s interrupted %s times; marking it failed", row.id, row.attempts)
                self._pool.submit(self._give_up, row)
            else:
                log.info("resuming review %s (%s)", row.id, row.status)
                self._pool.submit(self._process, Job(row.id, resumed=True))

    def stop(self) -> None:
        """Finish the running reviews; queued ones stay queued in the store and resume at next start."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _give_up(self, row: ReviewRow) -> None:
        self.runner.tell_failure(row, INTERRUPTED, Job(row.id))
        self.store.finish(row.id, FAILED, INTERRUPTED)

    def _process(self, job: Job) -> None:
        try:
            self._run(job)
        except Exception:  # the store itself failed: nothing else would report it (futures are not read)
            log.exception("review %s: bookkeeping failed", job.id)

    def _run(self, job: Job) -> None:
        row = self.store.start(job.id)
        try:
            status = self.runner.run(row, job)
        except Exception as exc:
            reason = user_reason(exc)
            if reason is None:
                log.exception("review %s failed", job.id)
                reason = INTERNAL
            else:
                log.info("review %s: %s", job.id, reason)
            self.runner.tell_failure(self.store.get(job.id), reason, job)
            self.store.finish(job.id, FAILED, reason)  # last, like done: a finished row has nothing left to do
            return
        self.store.finish(job.id, status)
        log.info("review %s %s", job.id, status)
