"""One submission, isolated: a pipeline failure costs only its own claim (processing_failed, its files
quarantined, the marker done); a submission that stopped its workers too often is not read again; a
failing storage is the one thing that propagates."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from infra.storage.base import StorageError
from infra.storage.local import LocalStorage
from intake import inbox
from intake.claim_store import ClaimStore
from intake.stages import Stages
from intake.submission import process_submission
from tests.documents import quarantined

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def crashing(*_args: object) -> list:
    raise KeyError("a bug in a stage")


def submission_in(storage: LocalStorage) -> inbox.Submission:
    storage.put_bytes("inbox/extranet/S1/facture.pdf", b"%PDF-1.7 not really")
    storage.put_bytes("inbox/extranet/S1/manifest.json", b"{}")
    (submission,) = inbox.pending(storage, NOW)
    return submission


def test_a_crashing_stage_ends_as_processing_failed_with_the_files_kept(tmp_path):
    storage = LocalStorage(tmp_path)
    submission = submission_in(storage)
    marker = inbox.take(storage, submission, NOW)
    assert marker is not None
    claim = process_submission(storage, submission, marker, clock=lambda: NOW, stages=Stages(read_pages=crashing))
    assert [f.code.value for f in claim.flags] == ["processing_failed"] and "KeyError" in claim.flags[0].message
    assert claim.status.value == "needs_review" and not claim.documents  # our failure: a manager looks
    entry = quarantined(storage, claim.claim_id, "facture.pdf")
    assert storage.get_bytes(f"quarantine/{claim.claim_id}/{entry.name}") == b"%PDF-1.7 not really"
    assert inbox.read_marker(storage, submission).state == "done"


def test_a_submission_that_stopped_its_workers_too_often_is_not_read_again(tmp_path):
    storage = LocalStorage(tmp_path)
    submission = submission_in(storage)
    marker = inbox.take(storage, submission, NOW)
    for attempt in range(1, inbox.MAX_ATTEMPTS + 1):  # each worker dies; the next takes over after the lease
        marker = inbox.take(storage, submission, NOW + attempt * (inbox.LEASE + timedelta(minutes=1)))
        assert marker is not None and marker.attempts == attempt + 1
    assert marker.exhausted
    claim = process_submission(
        storage, submission, marker, clock=lambda: NOW, stages=Stages(read_pages=crashing, check_uploads=crashing)
    )
    assert [f.code.value for f in claim.flags] == ["processing_failed"] and "worker" in claim.flags[0].message


def test_a_failing_storage_propagates(tmp_path):
    storage = LocalStorage(tmp_path)
    submission = submission_in(storage)
    marker = inbox.take(storage, submission, NOW)

    def storage_down(*_args: object) -> list:
        raise StorageError("local storage: read failed (EIO)")

    with pytest.raises(StorageError):
        process_submission(storage, submission, marker, clock=lambda: NOW, stages=Stages(read_pages=storage_down))
    assert inbox.read_marker(storage, submission).state == "processing"  # resumed after its lease


def test_objects_over_their_size_cap_are_not_read_but_recorded(tmp_path):
    """A huge e-mail, upload or manifest is never read into memory: recorded in quarantine by reference."""
    from intake.submission import MAX_EMAIL_BYTES, MAX_FILE_BYTES, MAX_MANIFEST_BYTES

    storage = LocalStorage(tmp_path)
    storage.put_bytes("inbox/email/huge.eml", b"From: a@example.org\n\n" + b"x" * MAX_EMAIL_BYTES)
    storage.put_bytes("inbox/extranet/S2/scan.pdf", b"%PDF-1.7\n" + b"0" * MAX_FILE_BYTES)
    storage.put_bytes("inbox/extranet/S2/manifest.json", b'{"stay_motive": "' + b"a" * MAX_MANIFEST_BYTES + b'"}')
    claims = {}
    for submission in inbox.pending(storage, NOW):
        marker = inbox.take(storage, submission, NOW)
        claims[submission.name] = process_submission(storage, submission, marker, clock=lambda: NOW)
    email, upload = claims["huge.eml"], claims["S2"]
    assert [f.code.value for f in email.flags][:1] == ["file_too_large"] and email.status.value == "rejected"
    assert {f.code.value for f in upload.flags} >= {"file_too_large", "invalid_manifest"}
    reasons = [json.loads(storage.get_bytes(i.key)) for i in storage.list("quarantine/") if i.key.endswith(".reason.json")]
    assert sorted(r["inbox_key"] for r in reasons) == [
        "inbox/email/huge.eml",
        "inbox/extranet/S2/manifest.json",
        "inbox/extranet/S2/scan.pdf",
    ]


def test_an_email_request_keeps_its_sender_subject_and_text_with_the_claim(tmp_path):
    from email.message import EmailMessage

    from models.claim import MAX_MESSAGE_TEXT

    storage = LocalStorage(tmp_path)
    mail = EmailMessage()
    mail["From"] = "Léa Morel <lea.morel@example.org>"
    mail["Subject"] = "Remboursement pharmacie"
    mail.set_content("Bonjour, voici ma facture. " + "x" * (MAX_MESSAGE_TEXT + 100))
    mail.add_attachment(b"GIF89a not read", maintype="image", subtype="gif", filename="scan.gif")  # refused: no OCR here
    storage.put_bytes("inbox/email/m1.eml", bytes(mail))
    (submission,) = inbox.pending(storage, NOW)
    marker = inbox.take(storage, submission, NOW)
    assert marker is not None
    claim = process_submission(storage, submission, marker, clock=lambda: NOW)
    message = claim.received_message
    assert message is not None and (message.sender_name, message.sender_address) == ("Léa Morel", "lea.morel@example.org")
    assert message.subject == "Remboursement pharmacie" and message.text.startswith("Bonjour, voici ma facture.")
    assert len(message.text) == MAX_MESSAGE_TEXT and message.truncated
    stored = json.loads(storage.get_bytes(f"claims/{claim.claim_id}/claim.json"))
    assert stored["received_message"]["sender_address"] == "lea.morel@example.org"
    assert [r.file for r in claim.rejected_files] == ["scan.gif"]


def test_names_that_are_not_utf8_never_stop_a_pass(tmp_path):
    """Issue 22 #3: a folder, an e-mail and a file whose names hold a Latin-1 byte: the pass goes on, the
    valid submission beside them is processed, each such object is quarantined (escaped) and every
    marker ends done - nothing is retried forever."""
    from intake.service_pass import run_pass

    storage = LocalStorage(tmp_path)
    for folder, name, data in (
        (b"inbox/extranet/dossier-\xe9", b"a.txt", b"notes"),
        (b"inbox/email", b"m\xe9.eml", b"From: a@b.c\r\n\r\nhi"),
        (b"inbox/extranet/ok", b"relev\xe9.txt", b"x"),
        (b"inbox/extranet/ok", b"notes.txt", b"notes"),
    ):
        folder_path = tmp_path / folder.decode("utf-8", "surrogateescape")  # Path encodes it back to the same bytes
        folder_path.mkdir(parents=True, exist_ok=True)
        (folder_path / name.decode("utf-8", "surrogateescape")).write_bytes(data)
    later = datetime.now(UTC) + inbox.QUIET  # the files were written now: quiet by then
    assert len(inbox.pending(storage, later)) == 3
    claims = run_pass(storage, clock=lambda: later)
    assert len(claims) == 3 and inbox.pending(storage, later) == []
    files = {e.file for c in claims for e in ClaimStore(storage).quarantined(c.claim_id)}
    assert {"a.txt", "m\\xe9.eml", "relev\\xe9.txt", "notes.txt"} <= files
    ok = next(c for c in claims if any(r.file == "notes.txt" for r in c.rejected_files))
    assert "invalid_name" in {f.code.value for f in ok.flags}


def test_a_file_added_to_a_done_submission_joins_its_claim(tmp_path):
    """Issue 22 #10: a file added to a submission folder after it was processed is not skipped: it is
    read as a late part of that submission and joins its claim (once, whatever the number of passes)."""
    from intake.service_pass import run_pass

    storage = LocalStorage(tmp_path)
    storage.put_bytes("inbox/extranet/S9/notes.txt", b"notes")
    later = datetime.now(UTC) + 2 * inbox.QUIET  # quiet, even for the file added below
    (first,) = run_pass(storage, clock=lambda: later)
    storage.put_bytes("inbox/extranet/S9/oubli.txt", b"forgotten")
    assert [s.key for s in inbox.pending(storage, later)] == ["extranet/S9#after-1"]
    (joined,) = run_pass(storage, clock=lambda: later + timedelta(seconds=1))
    assert joined.claim_id == first.claim_id and len(joined.replies) == 1
    assert sorted(r.file for r in joined.rejected_files) == ["notes.txt", "oubli.txt"]
    assert (
        inbox.pending(storage, later + timedelta(hours=1)) == []
        and run_pass(storage, clock=lambda: later + timedelta(hours=1)) == []
    )
    storage.put_bytes("inbox/extranet/S9/encore.txt", b"again")
    (third,) = run_pass(storage, clock=lambda: later + timedelta(hours=2))
    assert third.claim_id == first.claim_id and len(third.rejected_files) == 3 and len(third.replies) == 2


def test_a_submission_done_by_an_earlier_release_is_not_read_again(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.put_bytes("inbox/email/old.eml", b"From: a@b.c\r\n\r\nhi")
    (submission,) = inbox.pending(storage, NOW)
    storage.put_bytes(inbox.done_key(submission).partition("~")[0], b"")  # the layout before counts were recorded
    assert inbox.pending(storage, NOW) == []
