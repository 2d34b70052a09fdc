"""Managers' decisions told to Prefect, so that the runs list and the event feed show what still waits
for a person. `intake review` gives the desk a `PrefectDecisions` when PREFECT_API_URL is set; for each
decision recorded on the desk it

- emits an event with the claim as its resource (`intake.claim.<number>`):

      intake.claim.approved   the claim is approved (ready for adjudication again)
      intake.claim.rejected   the claim is rejected
      intake.claim.asked      the claimant is asked for what is missing

  payload: the claim number, the decision and the claim's status - never the reason, the message or
  anything from the documents;
- retags the claim's runs (flows/run_tags.py): `status:<status as reviewed>` and `decision:<decision>`,
  so that filtering the runs on `status:needs_review` shows only what no manager has decided yet.

The desk never waits for Prefect: decisions are queued and told by one background thread; when the
server does not answer, the announcement is lost (a warning naming the claim) and the decision stays
recorded on the desk, which is the record."""

from __future__ import annotations

import contextvars
import logging
import os
import queue
import threading

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect.events import emit_event

from flows.run_tags import retag_claim_runs
from models import ClaimStatus
from models.review import ReviewAction

log = logging.getLogger(__name__)
DECISIONS = {ReviewAction.APPROVE: "approved", ReviewAction.REJECT: "rejected", ReviewAction.REQUEST_PROOFS: "asked"}
EVENT_PREFIX = "intake.claim."
QUEUE_SIZE = 10_000  # decisions waiting to be told (a Prefect server down for a while: the rest are dropped, logged)


def claim_resource(claim_id: str) -> dict[str, str]:
    """A claim as a Prefect event resource."""
    return {"prefect.resource.id": f"{EVENT_PREFIX}{claim_id}", "prefect.resource.name": claim_id}


def announce(claim_id: str, action: ReviewAction, status: ClaimStatus) -> None:
    """Emit the decision's event and retag the claim's runs (raises when Prefect fails)."""
    decision = DECISIONS[action]
    emit_event(
        event=f"{EVENT_PREFIX}{decision}",
        resource=claim_resource(claim_id),
        payload={"claim_id": claim_id, "decision": decision, "status": status.value},
    )
    retag_claim_runs(claim_id, {"status": status.value, "decision": decision})


class PrefectDecisions:
    """The desk's decision listener: queues each decision, told to Prefect by a background thread."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, ReviewAction, ClaimStatus] | None] = queue.Queue(maxsize=QUEUE_SIZE)
        # the thread runs in its creator's context: the Prefect settings in force there (a profile, a
        # `temporary_settings`) are the ones it tells
        context = contextvars.copy_context()
        self._thread = threading.Thread(target=context.run, args=(self._work,), name="prefect-decisions", daemon=True)
        self._thread.start()

    def __call__(self, claim_id: str, action: ReviewAction, status: ClaimStatus) -> None:
        if action not in DECISIONS:
            return
        try:
            self._queue.put_nowait((claim_id, action, status))
        except queue.Full:
            log.warning("decision on claim %s not told to Prefect: %d decisions already wait", claim_id, QUEUE_SIZE)

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            try:
                announce(*item)
            except Exception as error:  # Prefect down or refusing: the decision stays on the desk's record
                log.warning("decision on claim %s not told to Prefect (%s)", item[0], type(error).__name__)
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def wait(self) -> None:
        """Until every queued decision has been told (or failed)."""
        self._queue.join()

    def close(self, timeout: float = 10.0) -> None:
        """Tell what is queued, then stop the thread."""
        self._queue.put(None)
        self._thread.join(timeout)
