"""The Prefect flow `intake-monitor` (served by `intake serve` beside `intake-submission`; its runs named
`monitor-<UTC time>`, never a random name): measures the
review backlog and the adjudication outbox (flows/health.py) and emits events that the automations
installed by `intake automations` (flows/automations.py) turn into alerts:

    intake.review.backlog   resource intake.review-queue; payload: count          every run
    intake.review.backlog.exceeded                                                 count over --backlog
    intake.outbox.stale     resource intake.outbox; payload: undelivered, oldest   oldest older than --outbox-minutes

Counts and ages only: no claim number, no name."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, get_run_logger
from prefect.events import emit_event

from flows.health import health
from infra.storage.settings import open_storage
from validators.rules_file import load_rules

MONITOR_FLOW = "intake-monitor"
BACKLOG_EVENT = "intake.review.backlog"
BACKLOG_EXCEEDED = "intake.review.backlog.exceeded"
OUTBOX_STALE = "intake.outbox.stale"
QUEUE_RESOURCE = {"prefect.resource.id": "intake.review-queue", "prefect.resource.name": "review queue"}
OUTBOX_RESOURCE = {"prefect.resource.id": "intake.outbox", "prefect.resource.name": "adjudication outbox"}


def run_name() -> str:
    """A monitor run's name: when it measured (UTC, to the minute)."""
    return f"monitor-{datetime.now(UTC):%Y-%m-%dT%H:%MZ}"


@flow(name=MONITOR_FLOW, flow_run_name=run_name, validate_parameters=False)
def monitor_flow(backlog_limit: int = 50, outbox_minutes: float = 60.0) -> dict[str, int]:
    """Measure the backlog and the outbox; emit the events the automations watch."""
    now = datetime.now(UTC)
    measured = health(open_storage(), load_rules(), now)
    emit_event(BACKLOG_EVENT, resource=QUEUE_RESOURCE, payload={"count": measured.backlog})
    if measured.backlog > backlog_limit:
        emit_event(BACKLOG_EXCEEDED, resource=QUEUE_RESOURCE, payload={"count": measured.backlog, "limit": backlog_limit})
    oldest = measured.oldest_undelivered
    if oldest is not None and oldest > timedelta(minutes=outbox_minutes):
        emit_event(
            OUTBOX_STALE,
            resource=OUTBOX_RESOURCE,
            payload={"undelivered": measured.undelivered, "oldest_minutes": int(oldest.total_seconds() // 60)},
        )
    get_run_logger().info("review backlog %d, %d claim(s) undelivered in the outbox", measured.backlog, measured.undelivered)
    return {"backlog": measured.backlog, "undelivered": measured.undelivered}
