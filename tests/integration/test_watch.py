"""`intake watch --once` over a real storage: the local folder and an S3-protocol server on loopback.
An extranet submission (with its manifest) and an e-mail answering it become one claim; everything
received is kept; a second pass processes nothing; a ready claim lands in the adjudication outbox."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from infra.storage.local import LocalStorage
from intake.service_pass import run_pass
from samples.generator import fakes
from samples.generator.corpus import generate
from tests.documents import quarantined

CARE_DAY = date.today() - timedelta(days=15)
# the index database on SQLite and on PostgreSQL (tests/integration/conftest.py)
pytestmark = pytest.mark.usefixtures("index_url")


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    who = fakes.person(random.Random(21), 1970, 1990)
    generate("pharmacy_invoice", "pdf_text", "clean", 6101, folder / "facture.pdf", patient=who, day=CARE_DAY, third_party=False)
    generate("prescription", "pdf_text", "clean", 6102, folder / "ordonnance.pdf", patient=who, day=CARE_DAY - timedelta(days=2))
    return folder


def email(subject: str, attachments: dict[str, bytes]) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "assure@example.org", "remboursements@example.org", subject
    mail.set_content("Bonjour, voici la pièce demandée.")
    for name, data in attachments.items():
        mail.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return bytes(mail)


def scenario(storage, documents: Path) -> None:
    storage.put_bytes("inbox/extranet/S-001/facture.pdf", (documents / "facture.pdf").read_bytes())
    storage.put_bytes(
        "inbox/extranet/S-001/manifest.json", json.dumps({"care_types": ["pharmacy"], "channel": "extranet"}).encode()
    )
    (first,) = run_pass(storage)
    assert first.status.value == "needs_review" and "missing_prescription" in first.status_reason
    assert storage.exists(f"claims/{first.claim_id}/message.txt") and run_pass(storage) == []  # exactly once

    storage.put_bytes(
        "inbox/email/reply-1.eml", email(f"Re: {first.claim_id}", {"ordonnance.pdf": (documents / "ordonnance.pdf").read_bytes()})
    )
    (second,) = run_pass(storage)
    assert second.claim_id == first.claim_id and second.status.value == "ready", second.status_reason
    claim = json.loads(storage.get_bytes(f"claims/{first.claim_id}/claim.json"))
    assert [d["file"] for d in claim["documents"]] == ["facture.pdf", "ordonnance.pdf"]
    assert storage.get_bytes(f"claims/{first.claim_id}/originals/ordonnance.pdf") == (documents / "ordonnance.pdf").read_bytes()
    assert json.loads(storage.get_bytes(f"outbox/adjudication/{first.claim_id}.json"))["status"] == "ready"
    assert storage.exists("inbox/extranet/S-001/facture.pdf") and storage.exists("inbox/email/reply-1.eml")  # never deleted


def test_watch_on_the_local_folder(tmp_path, documents):
    scenario(LocalStorage(tmp_path / "store"), documents)


def test_watch_on_s3(s3_server, documents):
    scenario(s3_server.storage(), documents)


def test_refused_attachments_are_quarantined_with_their_reason(tmp_path, documents):
    storage = LocalStorage(tmp_path / "store")
    storage.put_bytes(
        "inbox/email/m.eml", email("Demande", {"facture.pdf": (documents / "facture.pdf").read_bytes(), "vide.pdf": b""})
    )
    (claim,) = run_pass(storage)
    entry = quarantined(storage, claim.claim_id, "vide.pdf")
    reason = json.loads(storage.get_bytes(f"quarantine/{claim.claim_id}/{entry.name}.reason.json"))
    assert reason["codes"] == ["empty_file"]
    assert storage.get_bytes(f"quarantine/{claim.claim_id}/{entry.name}") == b""
    assert storage.exists(f"claims/{claim.claim_id}/originals/vide.pdf") and storage.exists(
        f"claims/{claim.claim_id}/originals/facture.pdf"
    )


def test_a_document_sent_again_in_another_request_is_a_duplicate(tmp_path, documents):
    """The storage's duplicate index: the same invoice in a later request is flagged with the earlier
    claim; reading the index touches only the entries that could match, not the whole history."""
    storage = LocalStorage(tmp_path / "store")
    invoice = (documents / "facture.pdf").read_bytes()
    storage.put_bytes("inbox/extranet/S-1/facture.pdf", invoice)
    storage.put_bytes("inbox/extranet/S-1/manifest.json", b"{}")
    (first,) = run_pass(storage)
    assert not [f for f in first.all_flags() if f.code.value == "duplicate_document"]
    storage.put_bytes("inbox/extranet/S-2/ordonnance.pdf", (documents / "ordonnance.pdf").read_bytes())
    storage.put_bytes("inbox/extranet/S-2/manifest.json", b"{}")
    (unrelated,) = run_pass(storage)
    assert not [f for f in unrelated.all_flags() if f.code.value == "duplicate_document"]
    storage.put_bytes("inbox/extranet/S-3/copie.pdf", invoice)
    storage.put_bytes("inbox/extranet/S-3/manifest.json", b"{}")
    (again,) = run_pass(storage)
    (flag,) = [f for f in again.all_flags() if f.code.value == "duplicate_document"]
    assert flag.details["earlier_claim_id"] == first.claim_id and flag.details["match"] == "identical"
    keys = [i.key for i in storage.list("state/index/")]
    assert any(k.startswith("state/index/by-sha/") for k in keys) and any(k.startswith("state/index/by-key/") for k in keys)
