"""The reconciliation pass: the dated inbox layout, a few storage requests whatever the history, the
index's open submissions re-checked, the full sweep for the undated layout and a lost index."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from infra.index.store import open_index
from infra.storage.base import ObjectInfo
from infra.storage.local import LocalStorage
from intake import inbox, reconcile
from intake.inbox import EMAIL, EXTRANET, UNEXPECTED, finish, group_submissions, partition_of, take
from intake.reconcile import Reconciler, hours

NOW = datetime.now(UTC)  # set again before each test (autouse fixture below): files written now must not look old
HOUR = partition_of(NOW)


@pytest.fixture(autouse=True)
def _now():
    """NOW and HOUR as the test starts (a module imported half an hour before its tests run would put the
    files it writes in the future of NOW: never quiet, never in NOW's hour)."""
    global NOW, HOUR
    NOW = datetime.now(UTC)
    HOUR = partition_of(NOW)


class CountingStorage(LocalStorage):
    """A local storage that counts its requests (what a bucket would be billed)."""

    def __init__(self, root) -> None:
        super().__init__(root)
        self.requests: list[tuple[str, str]] = []

    def list(self, prefix: str = "") -> list[ObjectInfo]:
        self.requests.append(("list", prefix))
        return super().list(prefix)

    def get_bytes(self, key: str) -> bytes:
        self.requests.append(("get", key))
        return super().get_bytes(key)


def _done(storage, submissions, now=None):
    now = now or NOW
    for submission in submissions:
        finish(storage, submission, take(storage, submission, now), now)


def test_the_dated_layout_groups_by_hour_channel_and_name():
    def info(key: str) -> ObjectInfo:
        return ObjectInfo(key, 1, NOW, "e")

    found = group_submissions(
        info(k)
        for k in (
            "inbox/2026-12-05T13/extranet/S-1/a.pdf",
            "inbox/2026-12-05T13/extranet/S-1/manifest.json",
            "inbox/2026-12-05T14/extranet/S-1/b.pdf",  # the same name in another hour: another submission
            "inbox/2026-12-05T13/email/m.eml",
            "inbox/2026-12-05T13/stray.txt",
            "inbox/extranet/S-1/c.pdf",  # the undated layout
            "inbox/2026-12-05/email/x.eml",  # not an hour: an unexpected object of the undated layout
        )
    )
    keys = {(s.channel, s.partition, s.name, len(s.objects)) for s in found}
    assert keys == {
        (EXTRANET, "2026-12-05T13", "S-1", 2),
        (EXTRANET, "2026-12-05T14", "S-1", 1),
        (EMAIL, "2026-12-05T13", "m.eml", 1),
        (UNEXPECTED, "2026-12-05T13", "stray.txt", 1),
        (EXTRANET, "", "S-1", 1),
        (UNEXPECTED, "", "2026-12-05/email/x.eml", 1),
    }
    assert {s.key for s in found if s.name == "S-1"} == {
        "2026-12-05T13/extranet/S-1",
        "2026-12-05T14/extranet/S-1",
        "extranet/S-1",
    }
    assert len({inbox.marker_key(s) for s in found}) == len(found)  # one marker each


def test_hours_from_the_watermark_to_now():
    assert hours("2026-12-05T22", datetime(2026, 12, 6, 1, 30, tzinfo=UTC)) == [
        "2026-12-05T22",
        "2026-12-05T23",
        "2026-12-06T00",
        "2026-12-06T01",
    ]


def test_an_idle_pass_lists_two_hours_and_reads_nothing_whatever_the_history(tmp_path):
    storage = CountingStorage(tmp_path / "store")
    for day in range(1, 4):  # a history in old hours and in the undated layout
        for n in range(40):
            storage.put_bytes(f"inbox/{partition_of(NOW - timedelta(days=day, hours=n % 24))}/email/m{n}.eml", b"x")
    for n in range(40):
        storage.put_bytes(f"inbox/email/old{n}.eml", b"x")
    reconciler = Reconciler()
    first = reconciler(storage, NOW)
    assert len(first) == 160  # the first pass sweeps everything, both layouts
    _done(storage, first)

    storage.requests.clear()
    later = NOW + timedelta(seconds=30)  # its hour, and the one before it (NOW's hour unless NOW ends an hour)
    assert reconciler(storage, later) == []
    assert storage.requests == [
        ("list", f"inbox/{partition_of(later - timedelta(hours=1))}/"),
        ("list", f"inbox/{partition_of(later)}/"),
    ]


def test_a_new_submission_in_the_current_hour_is_found_once(tmp_path):
    storage = CountingStorage(tmp_path / "store")
    reconciler = Reconciler()
    assert reconciler(storage, NOW) == []  # the first sweep, on an empty inbox
    storage.put_bytes(f"inbox/{HOUR}/email/new.eml", b"x")
    storage.put_bytes(f"inbox/{HOUR}/extranet/U-1/a.pdf", b"x")
    storage.put_bytes(f"inbox/{HOUR}/extranet/U-1/manifest.json", b"{}")
    found = reconciler(storage, NOW + timedelta(seconds=5))
    assert sorted(s.key for s in found) == [f"{HOUR}/email/new.eml", f"{HOUR}/extranet/U-1"]
    _done(storage, found)
    storage.requests.clear()
    assert reconciler(storage, NOW + timedelta(seconds=10)) == []
    assert all(kind == "list" for kind, _ in storage.requests)  # done ones known from the index: no marker read


def test_a_manifest_less_upload_is_found_after_its_quiet_period_even_once_its_hour_is_past(tmp_path):
    storage = CountingStorage(tmp_path / "store")
    reconciler = Reconciler()
    reconciler(storage, NOW)
    storage.put_bytes(f"inbox/{HOUR}/extranet/Q-1/a.pdf", b"x")
    assert reconciler(storage, NOW + timedelta(seconds=5)) == []  # not complete: the index remembers it
    assert open_index(storage).unfinished(NOW, inbox.LEASE)[0].state == "waiting"
    later = NOW + timedelta(hours=3)  # its hour is no longer listed
    (found,) = reconciler(storage, later)
    assert (found.partition, found.name) == (HOUR, "Q-1")
    assert ("list", f"inbox/{HOUR}/extranet/Q-1/") in storage.requests  # looked up by its own keys


def test_a_lapsed_lease_is_found_again_and_taken_over_with_the_same_claim(tmp_path):
    storage = CountingStorage(tmp_path / "store")
    reconciler = Reconciler()
    reconciler(storage, NOW)
    storage.put_bytes(f"inbox/{HOUR}/email/crash.eml", b"x")
    (submission,) = reconciler(storage, NOW + timedelta(seconds=1))
    first = take(storage, submission, NOW + timedelta(seconds=1))  # the worker dies: never finished
    assert reconciler(storage, NOW + timedelta(seconds=2)) == []  # a live lease
    later = NOW + inbox.LEASE + timedelta(hours=2)
    (again,) = reconciler(storage, later)
    taken = take(storage, again, later)
    assert taken is not None and taken.claim_id == first.claim_id and taken.attempts == 2


def test_a_lost_index_is_rebuilt_by_a_sweep_and_nothing_is_processed_twice(tmp_path):
    storage = LocalStorage(tmp_path / "store")
    storage.put_bytes(f"inbox/{HOUR}/email/a.eml", b"x")
    storage.put_bytes("inbox/email/b.eml", b"x")
    _done(storage, Reconciler()(storage, NOW))
    from infra.index.engine import dispose_all

    dispose_all()
    (tmp_path / "store.index.sqlite").unlink()
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"store.index.sqlite{suffix}").unlink(missing_ok=True)
    assert Reconciler()(storage, NOW + timedelta(seconds=5)) == []


def test_the_undated_layout_is_read_by_the_sweep_and_a_late_file_joins_its_submission(tmp_path):
    storage = LocalStorage(tmp_path / "store")
    reconciler = Reconciler(sweep_every=timedelta(hours=6))
    _done(storage, reconciler(storage, NOW))
    storage.put_bytes("inbox/email/legacy.eml", b"x")  # an earlier release's layout, no event
    storage.put_bytes(f"inbox/{HOUR}/extranet/L-1/a.pdf", b"x")
    storage.put_bytes(f"inbox/{HOUR}/extranet/L-1/manifest.json", b"{}")
    (dated,) = reconciler(storage, NOW + timedelta(seconds=5))
    _done(storage, [dated], NOW + timedelta(seconds=5))
    storage.put_bytes(f"inbox/{HOUR}/extranet/L-1/b.pdf", b"late")  # added once it was done
    assert reconciler(storage, NOW + timedelta(seconds=10)) == []  # no manifest: it waits for its quiet period
    (late,) = reconciler(storage, NOW + timedelta(hours=3))  # found again once its hour is no longer listed
    assert late.after == 2 and [o.key.rsplit("/", 1)[1] for o in late.objects] == ["b.pdf"]
    _done(storage, [late], NOW + timedelta(hours=3))
    (swept,) = reconciler(storage, NOW + timedelta(hours=6, seconds=1))  # the next sweep
    assert swept.key == "email/legacy.eml"


@pytest.mark.parametrize("stopped", [timedelta(hours=5), timedelta(days=3)])
def test_after_a_stop_the_missed_hours_are_listed_or_swept(tmp_path, stopped):
    storage = CountingStorage(tmp_path / "store")
    reconciler = Reconciler()
    reconciler(storage, NOW)
    storage.put_bytes(f"inbox/{HOUR}/email/during.eml", b"x")
    storage.requests.clear()
    restart = NOW + stopped
    (found,) = reconciler(storage, restart)
    assert found.name == "during.eml"
    if stopped < reconcile.CATCH_UP:
        listed = [prefix for kind, prefix in storage.requests if kind == "list"]
        assert f"inbox/{HOUR}/" in listed and "inbox/" not in listed  # one LIST per missed hour, no sweep


def test_a_sweep_over_a_lost_index_repairs_it_from_the_markers_and_finds_a_late_file(tmp_path):
    from infra.index.engine import dispose_all

    storage = CountingStorage(tmp_path / "store")
    storage.put_bytes(f"inbox/{HOUR}/extranet/R-1/a.pdf", b"x")
    storage.put_bytes(f"inbox/{HOUR}/extranet/R-1/manifest.json", b"{}")
    _done(storage, Reconciler()(storage, NOW))
    dispose_all()
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"store.index.sqlite{suffix}").unlink(missing_ok=True)
    storage.put_bytes(f"inbox/{HOUR}/extranet/R-1/b.pdf", b"late")
    (late,) = Reconciler()(storage, NOW + timedelta(minutes=5))  # a sweep (no watermark), past b's quiet period
    assert late.after == 2 and [o.key.rsplit("/", 1)[1] for o in late.objects] == ["b.pdf"]
    row = open_index(storage).submission(inbox.marker_key(replace(late, after=0)))
    assert (row.state, row.objects) == ("done", 2)  # the row says what the marker accounted for, not b
    assert Reconciler()(storage, NOW + timedelta(minutes=5, seconds=1)) == [late]  # not taken yet: found again
