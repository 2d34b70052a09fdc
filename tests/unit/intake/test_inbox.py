"""The inbox: grouping objects into submissions, completeness, and taking a submission exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

from infra.storage.base import ObjectInfo
from infra.storage.local import LocalStorage
from intake.inbox import EMAIL, EXTRANET, UNEXPECTED, finish, group_submissions, is_complete, pending, take

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def info(key: str, seconds_ago: int = 600) -> ObjectInfo:
    return ObjectInfo(key=key, size=10, last_modified=NOW - timedelta(seconds=seconds_ago), etag="e")


def test_objects_group_into_submissions():
    found = group_submissions(
        [
            info("inbox/extranet/S1/facture.pdf"),
            info("inbox/extranet/S1/manifest.json"),
            info("inbox/email/m1.eml", 30),
            info("inbox/extranet/S2/a.jpg", 5),
            info("inbox/other.txt"),
        ]
    )
    assert [(s.channel, s.name, len(s.objects)) for s in found] == [
        (EXTRANET, "S1", 2),
        (UNEXPECTED, "other.txt", 1),
        (EMAIL, "m1.eml", 1),
        (EXTRANET, "S2", 1),
    ]
    assert [o.key for o in found[0].files()] == ["inbox/extranet/S1/facture.pdf"]


def test_completeness():
    with_manifest, still_uploading, quiet, email = group_submissions(
        [
            info("inbox/extranet/A/f.pdf", 3000),
            info("inbox/extranet/A/manifest.json", 2900),
            info("inbox/extranet/B/f.pdf", 2800),
            info("inbox/extranet/C/f.pdf", 400),
            info("inbox/email/m.eml", 2),
        ]
    )[:4]
    assert is_complete(with_manifest, NOW)
    assert not is_complete(group_submissions([info("inbox/extranet/D/f.pdf", 10)])[0], NOW)  # files still arriving
    assert is_complete(still_uploading, NOW) and is_complete(quiet, NOW)  # quiet for long enough
    assert is_complete(email, NOW)


def test_taken_once_finished_once_and_a_lapsed_lease_resumes_the_same_claim(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.put_bytes("inbox/email/m1.eml", b"From: x\n\nbody")
    (submission,) = pending(storage, NOW)
    first = take(storage, submission, NOW)
    assert first is not None and first.state == "processing"
    assert take(storage, submission, NOW + timedelta(minutes=1)) is None  # another worker: lease is live
    resumed = take(storage, submission, NOW + timedelta(hours=1))  # the first worker died
    assert resumed is not None and resumed.claim_id == first.claim_id and resumed.token != first.token
    finish(storage, submission, resumed)
    assert pending(storage, NOW + timedelta(hours=2)) == []
    assert take(storage, submission, NOW + timedelta(hours=3)) is None


def test_only_one_worker_takes_over_a_stale_marker(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.put_bytes("inbox/email/m2.eml", b"From: x\n\nbody")
    (submission,) = pending(storage, NOW)
    take(storage, submission, NOW)
    later = NOW + timedelta(hours=1)
    winners = [m for m in (take(storage, submission, later), take(storage, submission, later)) if m is not None]
    assert len(winners) == 1


def test_a_pass_reads_no_marker_of_a_done_submission(tmp_path):
    """Done submissions are known from one listing of state/done/: their markers are not read again."""

    class CountingStorage(LocalStorage):
        reads: ClassVar[list[str]] = []

        def get_bytes(self, key: str) -> bytes:
            self.reads.append(key)
            return super().get_bytes(key)

    storage = CountingStorage(tmp_path)
    for name in ("a", "b", "c"):
        storage.put_bytes(f"inbox/email/{name}.eml", b"x")
    for submission in pending(storage, NOW)[:2]:
        finish(storage, submission, take(storage, submission, NOW), NOW)
    storage.reads.clear()
    left = pending(storage, NOW)
    assert [s.name for s in left] == ["c.eml"]
    assert len(storage.reads) <= 1  # only c's marker (absent) is looked up


def test_find_submission_reads_only_its_own_keys(tmp_path):
    from intake.inbox import find_submission

    storage = LocalStorage(tmp_path)
    for key in (
        "inbox/extranet/S-1/a.pdf",
        "inbox/extranet/S-1/manifest.json",
        "inbox/extranet/S-10/b.pdf",
        "inbox/email/m.eml",
        "inbox/email/m.eml2",
    ):
        storage.put_bytes(key, b"x")
    found = find_submission(storage, EXTRANET, "S-1")
    assert [o.key for o in found.objects] == ["inbox/extranet/S-1/a.pdf", "inbox/extranet/S-1/manifest.json"]
    assert [o.key for o in find_submission(storage, EMAIL, "m.eml").objects] == ["inbox/email/m.eml"]
    assert find_submission(storage, EMAIL, "gone.eml") is None
