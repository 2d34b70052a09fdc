"""The Prefect flow `process_claim` (what `intake process` runs): `intake.request.process_request`
with its stages as Prefect tasks (pages read concurrently), the run named after the claim. Its run
parameters are the claim number and the file count only: the request itself (names, declaration,
files) is handed over in this process, never sent to the Prefect server. Without a server configured
it runs in Prefect's ephemeral mode."""

from __future__ import annotations

import os
from uuid import UUID

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, runtime
from prefect.client.orchestration import get_client
from prefect.task_runners import ThreadPoolTaskRunner

from flows.run_tags import retagged
from flows.tasks import PREFECT_STAGES
from intake.claim_store import ClaimStore
from intake.pipeline import worker_count
from intake.request import Clock, Received, process_request, utc_now
from models import Claim
from validators.rules_file import Rules

FLOW_NAME = "process_claim"


def run_claim_id(received: Received, store: ClaimStore) -> str:
    """The claim the run makes or completes: the quoted one when it is on file, else a new one."""
    return received.quoted if received.quoted and store.exists(received.quoted) else received.claim_id


def run_process_claim(received: Received, store: ClaimStore, rules: Rules, clock: Clock = utc_now) -> Claim:
    """Process one request as a `process_claim` flow run."""

    def process_claim(claim_id: str, files: int) -> Claim:
        """Upload rules -> pages (concurrent OCR) -> documents -> claim checks -> claim store, for one request;
        the run tagged with the claim's status (`status:needs_review`...), as the service's runs are."""
        claim = process_request(received, store, rules, clock, PREFECT_STAGES)
        run = runtime.flow_run.get_id()
        if run is not None:
            with get_client(sync_client=True) as client:
                client.update_flow_run(UUID(run), tags=retagged(runtime.flow_run.tags, {"status": claim.status.value}))
        return claim

    # Prefect types TaskRunner's future invariantly, so its own ThreadPoolTaskRunner does not match the parameter
    task_runner = ThreadPoolTaskRunner(max_workers=worker_count())  # type: ignore[var-annotated]
    decorate = flow(name=FLOW_NAME, flow_run_name="{claim_id}", validate_parameters=False, task_runner=task_runner)  # type: ignore[arg-type]
    runner = decorate(process_claim)
    return runner(claim_id=run_claim_id(received, store), files=len(received.files))
