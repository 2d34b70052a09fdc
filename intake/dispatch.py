"""Starting each complete submission on its own, at the cost of what is new: the service's loop.

A `Dispatcher` finds submissions to start - announced by a bucket notification (`on_event`, intake/events.py)
or found by the reconciliation pass (`reconcile`, intake/reconcile.py, every interval) - and hands each to
`start(submission, claim_id)` (flows/service.py: a Prefect deployment run named after the claim). The
claim number is reserved first (intake/claim_ids.py; a taken-over submission keeps its own), and the
index records the submission as `dispatched`: a later event or pass does not start it again while
the run has `dispatch_lease` to take it. The run then takes the submission (its marker, exactly once:
intake/inbox.py) and processes it; a run that never starts is dispatched again after the lease.

Nothing here runs a flow or imports Prefect: `start` is given.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from infra.index.store import ClaimIndex, open_index
from infra.storage.base import Storage
from intake import events, inbox
from intake.inbox import DoneState, Submission, find_submission, marker_key
from intake.reconcile import Reconciler
from intake.request import Clock, utc_now

log = logging.getLogger(__name__)
RETRY_SECONDS = 10.0  # the next pass, when a run could not be started (the orchestrator down)
# start a submission's run under its claim number; False: nothing was started (another worker holds it)
Start = Callable[[Submission, str], bool | None]


def claim_number(storage: Storage, submission: Submission) -> str:
    """The claim a submission makes or completes: its marker's (taken before), else its reserved one."""
    marker = inbox.read_marker(storage, submission)
    return marker.claim_id if marker is not None else inbox.reserve_claim_id(storage, submission)


def locate(storage: Storage, index: ClaimIndex, marker: str) -> Submission | None:
    """A dispatched submission (or late part) again, from its marker key: the index says where it is,
    its own keys are listed. None when the index does not know it (the reconciliation finds it again)."""
    row = index.submission(marker)
    if row is None or not row.name:
        return None
    base = find_submission(storage, row.channel, row.name, row.partition)
    if base is None or not row.after:
        return base
    done = index.submission(marker_key(base))
    late = inbox.late_part(storage, base, DoneState(row.after, done.latest_us if done else 0))
    return late if late is not None and marker_key(late) == marker else None


class Dispatcher:
    """Finds submissions to start and starts each once (per lease)."""

    def __init__(
        self,
        storage: Storage,
        start: Start,
        index: ClaimIndex | None = None,
        quiet: timedelta = inbox.QUIET,
        clock: Clock = utc_now,
        bucket: str | None = None,
        reconciler: Reconciler | None = None,
        strict: bool = False,
    ) -> None:
        """`strict`: a start that fails raises (after the index is told), for a one-off run that reports it."""
        self.storage, self.start, self.quiet, self.clock, self.bucket = storage, start, quiet, clock, bucket
        self.strict = strict
        self.failed_starts = 0  # in the last pass or event: runs that could not be started
        self.index = index or open_index(storage)
        self.reconciler = reconciler or Reconciler(index=self.index)
        self._lock = threading.Lock()  # an event and a pass never decide the same submission at once

    def reconcile(self) -> list[str]:
        """One reconciliation pass: the claim numbers of the runs started. The listing is made outside
        the lock (a full sweep may take a while: events go on meanwhile); each submission found is
        checked again against the index under the lock, so an event that started it meanwhile wins."""
        found = self.reconciler.pending(self.storage, self.clock(), self.quiet)
        with self._lock:
            now = self.clock()
            return self._dispatch([s for s in found if not self._started(s, now)], now)

    def _started(self, submission: Submission, now: datetime) -> bool:
        """Whether the index says a run was started for it meanwhile (or it is done)."""
        row = self.index.submission(marker_key(submission))
        if row is None or row.lease_since is None:
            return row is not None and row.state == "done"
        live = self.reconciler.dispatch_lease if row.state == "dispatched" else self.reconciler.lease
        return row.state == "done" or (row.state in ("dispatched", "processing") and now - row.lease_since < live)

    def on_event(self, body: bytes) -> list[str]:
        """One notification document (BadEvent when it is not one): the runs started for it."""
        announced = events.announced(body, self.bucket)
        if not announced.keys:
            return []
        with self._lock:
            now = self.clock()
            found = events.to_start(self.storage, self.index, announced.keys, now, self.quiet, self.reconciler)
            return self._dispatch(found, now)

    def _dispatch(self, submissions: list[Submission], now: datetime) -> list[str]:
        started, self.failed_starts = [], 0
        for submission in submissions:
            begun = time.perf_counter()
            claim_id = claim_number(self.storage, submission)
            row = replace(inbox.index_row(submission, "dispatched"), claim_id=claim_id, lease_since=now)
            self.index.put_submission(row, now)
            numbered = time.perf_counter()
            try:
                if self.start(submission, claim_id) is False:
                    continue  # another worker took it first: its run reports it
                log.info(
                    "claim %s: run started in %.0f ms (claim number and index %.0f ms)",
                    claim_id,
                    (time.perf_counter() - begun) * 1000,
                    (numbered - begun) * 1000,
                )
            except Exception as error:  # the orchestrator is down: the next pass dispatches it again
                log.warning("run for claim %s not started (%s): retried by a later pass", claim_id, type(error).__name__)
                self.index.put_submission(replace(row, state="waiting", lease_since=None), now)
                self.failed_starts += 1
                if self.strict:
                    raise
                continue
            started.append(claim_id)
        return started


class Waker(Protocol):
    """What the loop waits on between two passes (infra/storage/notifications.py: MinIO's stream, or polling)."""

    def wait(self, timeout: float) -> bool: ...


class ServiceLoop:
    """The reconciliation pass every `interval` seconds (sooner when `waker` says something arrived), in a
    daemon thread, then `after_pass` (the hand-off of what waits in the outbox). A failed pass (the
    storage or the index down) is logged and the loop goes on."""

    def __init__(
        self, dispatcher: Dispatcher, interval: float, waker: Waker | None = None, after_pass: Callable[[], None] | None = None
    ) -> None:
        self.dispatcher, self.interval, self.waker, self.after_pass = dispatcher, interval, waker, after_pass
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.passes = 0
        self._thread = threading.Thread(target=self._run, name="reconciliation", daemon=True)

    def start(self) -> ServiceLoop:
        self._thread.start()
        return self

    def wake(self) -> None:
        """Run a pass now (an event arrived that the webhook could not place)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                started = self.dispatcher.reconcile()
                if started:
                    log.info("reconciliation: %d run(s) started", len(started))
                if self.after_pass is not None:
                    self.after_pass()
            except Exception as error:
                log.warning("reconciliation pass failed (%s): next pass in %g s", type(error).__name__, self.interval)
            self.passes += 1
            self._sleep()

    def _sleep(self) -> None:
        interval = min(self.interval, RETRY_SECONDS) if self.dispatcher.failed_starts else self.interval
        if self.waker is not None:
            self.waker.wait(interval)  # returns early when the bucket announced something
        else:
            self._wake.wait(interval)
        self._wake.clear()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
