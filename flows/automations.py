"""The operators' alerts as code, installed on the Prefect server by `intake automations`:

    intake: a run failed or crashed     any flow run entering Failed or Crashed - among them a
                                        submission run whose hand-off to adjudication failed
    intake: review backlog              the monitor saw more claims waiting for review than the limit
    intake: outbox not delivered        the monitor saw an outbox claim older than the limit

Each sends a notification through a Prefect notification block when one is named (`--notify BLOCK`:
e.g. an e-mail, Slack or webhook block made in the UI), else does nothing but record that it fired (the
UI's automations page and event feed show it). Installing again replaces them (same names)."""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from datetime import timedelta
from uuid import UUID

from prefect.automations import Automation, DoNothing, EventTrigger, Posture, SendNotification
from prefect.client.orchestration import get_client

from flows.monitor import BACKLOG_EXCEEDED, OUTBOX_STALE

PREFIX = "intake: "


def _action(block: UUID | None, subject: str, body: str) -> SendNotification | DoNothing:
    if block is None:
        return DoNothing()
    return SendNotification(block_document_id=block, subject=subject, body=body)


def automations(block: UUID | None = None) -> list[Automation]:
    """The three automations (not yet created)."""
    failed = EventTrigger(
        match={"prefect.resource.id": "prefect.flow-run.*"},
        expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
        posture=Posture.Reactive,
        threshold=1,
    )
    backlog = EventTrigger(expect={BACKLOG_EXCEEDED}, posture=Posture.Reactive, threshold=1, within=timedelta(0))
    outbox = EventTrigger(expect={OUTBOX_STALE}, posture=Posture.Reactive, threshold=1, within=timedelta(0))
    return [
        Automation(
            name=f"{PREFIX}a run failed or crashed",
            trigger=failed,
            description="A flow run of the intake failed or crashed.",
            actions=[_action(block, "Intake: a run failed", "Flow run {{ flow_run.name }} is {{ flow_run.state.name }}.")],
        ),
        Automation(
            name=f"{PREFIX}review backlog",
            trigger=backlog,
            description="More claims wait for review than the limit.",
            actions=[_action(block, "Intake: review backlog", "{{ event.payload.count }} claims wait for review.")],
        ),
        Automation(
            name=f"{PREFIX}outbox not delivered",
            trigger=outbox,
            description="A claim waits in the outbox too long.",
            actions=[
                _action(
                    block,
                    "Intake: outbox not delivered",
                    "{{ event.payload.undelivered }} claim(s) undelivered, oldest {{ event.payload.oldest_minutes }} min.",
                )
            ],
        ),
    ]


def notification_block(name: str | None) -> UUID | None:
    """The id of the notification block named `type/name` (e.g. `slack-webhook/ops`), None when none is named."""
    if not name:
        return None
    slug, _, block_name = name.partition("/")
    with get_client(sync_client=True) as client:
        return client.read_block_document_by_name(name=block_name, block_type_slug=slug).id


def install(block_name: str | None = None) -> list[str]:
    """Create the automations, replacing earlier ones of the same names; their names."""
    block = notification_block(block_name)
    wanted = automations(block)
    with get_client(sync_client=True) as client:
        for existing in client.read_automations():
            if existing.name in {a.name for a in wanted}:
                client.delete_automation(existing.id)
    for automation in wanted:
        automation.create()
    return [a.name for a in wanted]
