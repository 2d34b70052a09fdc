"""The tags of a claim's flow runs, kept true after the run: a tag per aspect of the claim's outcome,
`<aspect>:<value>` (`status:ready`, `handoff:failed`, `decision:approved`...), one value per aspect.
The runs of a claim are found by name (runs are named after their claim) among the intake's claim
flows; only tags change, never a run's state or history. Claim numbers and codes only."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterName

CLAIM_FLOWS = ("intake-submission", "process_claim")  # the flows whose runs are named after their claim


def retagged(tags: Iterable[str], aspects: Mapping[str, str]) -> list[str]:
    """`tags` with each aspect's tag (`aspect:...`) replaced by `aspect:value` (added when absent); order kept."""
    kept = [t for t in tags if t.partition(":")[0] not in aspects or ":" not in t]
    return kept + [f"{aspect}:{value}" for aspect, value in aspects.items()]


def retag_claim_runs(claim_id: str, aspects: Mapping[str, str], flows: Sequence[str] = CLAIM_FLOWS) -> int:
    """Set `aspects` on every run of the claim (the Prefect server of PREFECT_API_URL): how many runs."""
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=list(flows))),
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[claim_id])),
        )
        for run in runs:
            wanted = retagged(run.tags, aspects)
            if wanted != list(run.tags):
                client.update_flow_run(run.id, tags=wanted)
    return len(runs)
