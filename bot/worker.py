"""Reviews run here, on a bounded pool, never on bolt's listener threads.

Lifecycle of a review row: queued → running → done | ignored | failed. A job is claimed by a unique
key in the store before it is queued, so duplicate deliveries (one upload fires two events; Slack
retries) create nothing.

Several ``serve`` processes may share one store (replicas, or the old and the new process during a
deploy). An unfinished row names the process that owns it (``claimed_by``), and that process
refreshes ``heartbeat_at`` every ``HEARTBEAT`` seconds. Rows whose owner has been silent for
``LEASE`` (it crashed or was killed), or that have no owner (released by a process that stopped),
are taken over, by exactly one process, at start-up and at every heartbeat, then resumed; a row that
already crashed ``MAX_ATTEMPTS`` times is marked failed and the user is told.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from .jobs import INTERNAL, Job, Runner, user_reason
from .store import FAILED, ReviewRow, Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2
HEARTBEAT = 30.0  # seconds between an owner's signs of life
LEASE = timedelta(minutes=3)  # an owner silent this long is presumed dead (six missed heartbeats)
INTERRUPTED = "服务重启时审阅中断，未能完成；请重新上传文件，或使用 /review last"


class Worker:
    def __init__(
        self,
        store: Store,
        runner: Runner,
        workers: int,
        *,
        heartbeat: float = HEARTBEAT,
        lease: timedelta = LEASE,
    ):
        self.store, self.runner = store, runner
        self.heartbeat, self.lease = heartbeat, lease
        self.owner = f"{socket.gethostname()[:50]}:{os.getpid()}:{secrets.token_hex(4)}"
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="review")
        self._lock = threading.Lock()
        self._stopping = False
        self._stopped = threading.Event()
        self._beat = threading.Thread(target=self._beat_loop, name="review-heartbeat", daemon=True)

    def first_delivery(self, event_id: str | None) -> bool:
        return not event_id or self.store.first_delivery(event_id)

    def start(self) -> None:
        self.resume()
        self._beat.start()

    def enqueue(self, dedup_key: str, response_url: str | None = None, **fields: Any) -> int | None:
        """Claim and queue a review; None when it was already claimed (a duplicate)."""
        review_id = self.claim(dedup_key, **fields)
        if review_id is not None:
            self.submit(review_id, response_url)
        return review_id

    def claim(self, dedup_key: str, **fields: Any) -> int | None:
        """Record a review owned by this process, not yet queued; None for a duplicate."""
        return self.store.create(dedup_key, owner=self.owner, **fields)

    def submit(self, review_id: int, response_url: str | None = None) -> None:
        self._submit(self._process, Job(review_id, response_url))

    def resume(self) -> None:
        """Take over the reviews nobody works on any more and finish them."""
        for row in self.store.abandoned(self.lease):
            if self._stopping or not self.store.take_over(row.id, self.owner, self.lease):
                continue  # stopping, or another process was quicker
            if row.attempts >= MAX_ATTEMPTS:
                log.warning("review %s interrupted %s times; marking it failed", row.id, row.attempts)
                self._submit(self._give_up, row)
            else:
                log.info("resuming review %s (%s)", row.id, row.status)
                self._submit(self._process, Job(row.id, resumed=True))

    def stop(self) -> None:
        """Finish the running reviews; queued ones stay queued in the store, released so that the next
        start or another process resumes them at once."""
        with self._lock:
            self._stopping = True
        self._pool.shutdown(wait=True, cancel_futures=True)  # heartbeats go on while reviews finish
        self._stopped.set()
        if self._beat.is_alive():
            self._beat.join()
        self.store.release(self.owner)

    def _submit(self, fn: Callable[[Any], None], arg: Any) -> None:
        with self._lock:
            if not self._stopping:  # else the row stays queued and stop() releases it
                self._pool.submit(fn, arg)

    def _beat_loop(self) -> None:
        while not self._stopped.wait(self.heartbeat):
            try:
                self.store.heartbeat(self.owner)
                self.resume()  # the reviews of a process that died meanwhile
            except Exception as exc:  # the store is unreachable: try again at the next beat
                log.warning("review heartbeat failed (%s)", exc.__class__.__name__)

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
            reason = self.runner.mask(reason)  # it may quote a URL or an error text
            self.runner.tell_failure(self.store.get(job.id), reason, job)
            self.store.finish(
                job.id, FAILED, reason
            )  # last, like done: a finished row has nothing left to do
            return
        self.store.finish(job.id, status)
        log.info("review %s %s", job.id, status)
