"""The service's outbox pass (flows/service.py `OutboxPass`): an `intake-handoff` run only when a claim
has waited past the grace, none while its delay after a failure runs, the delay doubling up to a cap and
reset by a success. The run itself is replaced by a stand-in (its flow is tested against a real Prefect
server in tests/integration/test_service_flows.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows import service
from flows.service import OutboxPass


class Index:
    """The index's outbox summary: how many claims wait, and since when the oldest has."""

    def __init__(self, count: int = 0, written: datetime | None = None) -> None:
        self.count, self.written = count, written

    def undelivered_summary(self) -> tuple[int, datetime | None]:
        return self.count, self.written


class State:
    def __init__(self, completed: bool) -> None:
        self.completed = completed

    def is_completed(self) -> bool:
        return self.completed


@pytest.fixture
def runs(monkeypatch):
    """The runs the pass makes (their `waiting` parameter); each completes unless `runs.down` is set."""

    class Runs(list):
        down = False

    made = Runs()

    def handoff_flow(waiting: int, return_state: bool) -> State:
        made.append(waiting)
        return State(not made.down)

    monkeypatch.setattr(service, "handoff_flow", handoff_flow)
    monkeypatch.setenv("INTAKE_ADJUDICATION_URL", "http://adjudication.example/claims")
    clock = [1000.0]
    monkeypatch.setattr(service.time, "monotonic", lambda: clock[0])
    made.clock = clock  # type: ignore[attr-defined]
    return made


def test_nothing_waiting_or_a_fresh_claim_makes_no_run(runs):
    OutboxPass(Index())()
    OutboxPass(Index(2, datetime.now(UTC) - timedelta(seconds=5)), grace=timedelta(seconds=60))()
    assert runs == []
    OutboxPass(Index(2, datetime.now(UTC) - timedelta(minutes=5)), grace=timedelta(seconds=60))()
    assert runs == [2]


def test_no_run_without_an_adjudication_url(runs, monkeypatch):
    monkeypatch.delenv("INTAKE_ADJUDICATION_URL")
    OutboxPass(Index(1, datetime.now(UTC) - timedelta(hours=1)))()
    assert runs == []


def test_after_a_failure_the_delay_doubles_up_to_its_cap_and_a_success_resets_it(runs):
    runs.down = True
    outbox = OutboxPass(Index(3, datetime.now(UTC) - timedelta(hours=1)), first_delay=30, longest_delay=100)
    delays = []
    for _ in range(4):
        outbox()
        delays.append(outbox.next_at - runs.clock[0])
        outbox()  # within the delay: no run
        runs.clock[0] = outbox.next_at
    assert delays == [30, 60, 100, 100] and len(runs) == 4
    runs.down = False
    outbox()
    assert (outbox.failures, outbox.next_at, len(runs)) == (0, 0.0, 5)
    outbox()
    assert len(runs) == 6  # no delay after a success: the next pass hands off what waits
