"""Dispatching submissions: MinIO's events and the reconciliation pass start each complete submission
once (per lease), under its reserved claim number; the run finds it again from its marker key."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from infra.index.store import open_index
from infra.storage.local import LocalStorage
from intake import inbox
from intake.dispatch import Dispatcher, locate
from intake.events import BadEvent, announced
from intake.inbox import finish, partition_of, take
from intake.reconcile import DISPATCH_LEASE
from tests.minio_events import created_event

NOW = datetime.now(UTC)  # set again before each test (autouse fixture below): files written now must not look old
HOUR = partition_of(NOW)


@pytest.fixture(autouse=True)
def _now():
    """NOW and HOUR as the test starts (a module imported half an hour before its tests run would put the
    files it writes in the future of NOW: never quiet, never in NOW's hour)."""
    global NOW, HOUR
    NOW = datetime.now(UTC)
    HOUR = partition_of(NOW)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def setup(tmp_path):
    storage = LocalStorage(tmp_path / "store")
    started: list[tuple[inbox.Submission, str]] = []
    clock = Clock()
    dispatcher = Dispatcher(storage, lambda s, c: started.append((s, c)), clock=clock, bucket="intake")
    dispatcher.reconcile()  # the first pass sweeps the empty inbox
    return storage, dispatcher, started, clock


def test_minio_events_name_created_inbox_objects_of_our_bucket():
    body = created_event("intake", f"inbox/{HOUR}/email/Dupont Jean é.eml")
    assert announced(body, "intake").keys == (f"inbox/{HOUR}/email/Dupont Jean é.eml",)
    assert announced(body, "other").keys == ()  # another bucket's
    assert announced(created_event("intake", "claims/x/claim.json"), "intake").keys == ()  # not the inbox
    with pytest.raises(BadEvent):
        announced(b"<xml/>", "intake")
    with pytest.raises(BadEvent):
        announced(b'{"no": "records"}', "intake")


def test_an_event_starts_a_complete_submission_once_named_after_its_claim(setup):
    storage, dispatcher, started, clock = setup
    key = f"inbox/{HOUR}/email/m.eml"
    storage.put_bytes(key, b"x")
    (claim_id,) = dispatcher.on_event(created_event("intake", key))
    assert [(s.key, c) for s, c in started] == [(f"{HOUR}/email/m.eml", claim_id)]
    assert dispatcher.on_event(created_event("intake", key)) == []  # a repeated event
    clock.now += timedelta(seconds=30)
    assert dispatcher.reconcile() == []  # dispatched: the pass leaves it to its run
    submission, _ = started[0]
    marker = take(storage, locate(storage, dispatcher.index, inbox.marker_key(submission)), clock.now, claim_id=claim_id)
    assert marker.claim_id == claim_id  # the run takes it under the number it is named after


def test_an_upload_starts_when_its_manifest_is_announced(setup):
    storage, dispatcher, started, _ = setup
    storage.put_bytes(f"inbox/{HOUR}/extranet/U-1/a.pdf", b"x")
    assert dispatcher.on_event(created_event("intake", f"inbox/{HOUR}/extranet/U-1/a.pdf")) == []  # not complete
    storage.put_bytes(f"inbox/{HOUR}/extranet/U-1/manifest.json", b"{}")
    assert len(dispatcher.on_event(created_event("intake", f"inbox/{HOUR}/extranet/U-1/manifest.json"))) == 1
    assert [o.key.rsplit("/", 1)[1] for o in started[0][0].objects] == ["a.pdf", "manifest.json"]


def test_a_missed_event_is_found_by_the_pass_and_a_run_never_taken_is_dispatched_again(setup):
    storage, dispatcher, started, clock = setup
    storage.put_bytes(f"inbox/{HOUR}/email/lost.eml", b"x")
    (first,) = dispatcher.reconcile()
    clock.now += DISPATCH_LEASE + timedelta(minutes=1)  # its run never started
    assert dispatcher.reconcile() == [first]  # dispatched again, same claim number
    assert len(started) == 2


def test_a_failed_start_is_retried_by_the_next_pass(tmp_path):
    storage = LocalStorage(tmp_path / "store")
    calls = []

    def start(submission, claim_id):
        calls.append(claim_id)
        if len(calls) == 1:
            raise ConnectionError("the Prefect server is down")

    dispatcher = Dispatcher(storage, start)
    dispatcher.reconcile()
    storage.put_bytes(f"inbox/{HOUR}/email/m.eml", b"x")
    assert dispatcher.reconcile() == []
    assert dispatcher.reconcile() == calls[:1]  # the same number, started on the next pass


def test_a_done_submission_is_not_started_again_and_a_late_file_is_located(setup):
    storage, dispatcher, started, clock = setup
    storage.put_bytes(f"inbox/{HOUR}/extranet/D-1/a.pdf", b"x")
    storage.put_bytes(f"inbox/{HOUR}/extranet/D-1/manifest.json", b"{}")
    (claim_id,) = dispatcher.reconcile()
    submission = started[0][0]
    finish(storage, submission, take(storage, submission, clock.now, claim_id=claim_id), clock.now)
    assert dispatcher.on_event(created_event("intake", f"inbox/{HOUR}/extranet/D-1/manifest.json")) == []
    storage.put_bytes(f"inbox/{HOUR}/extranet/D-1/b.pdf", b"late")
    clock.now += timedelta(minutes=5)  # past the quiet period of the late file
    assert dispatcher.on_event(created_event("intake", f"inbox/{HOUR}/extranet/D-1/b.pdf")) == [claim_id]  # joins its claim
    late = started[-1][0]
    found = locate(storage, open_index(storage), inbox.marker_key(late))
    assert found is not None and found.after == 2 and [o.key.rsplit("/", 1)[1] for o in found.objects] == ["b.pdf"]


def test_the_service_loop_passes_at_its_interval_and_when_woken(tmp_path):
    import threading

    from intake.dispatch import ServiceLoop

    storage = LocalStorage(tmp_path / "store")
    started = threading.Event()
    dispatcher = Dispatcher(storage, lambda s, c: started.set())
    handed_off = []
    loop = ServiceLoop(dispatcher, interval=3600, after_pass=lambda: handed_off.append(1)).start()
    try:
        deadline = time.monotonic() + 10
        while loop.passes < 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        storage.put_bytes(f"inbox/{partition_of(datetime.now(UTC))}/email/m.eml", b"x")
        loop.wake()  # the interval is an hour: only the wake makes the pass
        assert started.wait(10)
        assert handed_off  # the hand-off runs after each pass
    finally:
        loop.close()


def test_a_claim_number_is_dated_by_its_arrival_and_kept_when_dispatched_again_after_midnight(tmp_path):
    import os

    storage = LocalStorage(tmp_path / "store")
    eve = datetime(2026, 12, 5, 23, 50, tzinfo=UTC)
    clock = Clock()
    clock.now = eve + timedelta(minutes=3)
    started: list[tuple[inbox.Submission, str]] = []
    dispatcher = Dispatcher(storage, lambda s, c: started.append((s, c)), clock=clock, bucket="intake")
    key = f"inbox/{partition_of(eve)}/email/late-evening.eml"
    storage.put_bytes(key, b"x")
    os.utime(tmp_path / "store" / key, (eve.timestamp(), eve.timestamp()))  # received at 23:50 UTC
    (first,) = dispatcher.reconcile()
    assert first.startswith("CLM-20261205-")
    clock.now += DISPATCH_LEASE + timedelta(minutes=1)  # its run never started; the next pass is after midnight
    assert clock.now.date() > eve.date()
    assert dispatcher.reconcile() == [first]  # the same number, not one of the next day
    assert [c for _, c in started] == [first, first]
    assert len(storage.list("state/claim-ids/")) == 1  # one number reserved for it
