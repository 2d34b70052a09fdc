"""Claims for the review desk's tests: sample requests dropped in a local storage's inbox and processed
by the service's own pass (real OCR, real checks), so the desk is tested on claims as the service writes
them."""

from __future__ import annotations

import json
import shutil
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

import pytest

from infra.storage import LocalStorage
from intake.service_pass import run_pass
from review.accounts import Account, Role, hash_password

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "requests"
REQUESTS = ("missing-prescription", "pharmacy", "abroad-usa")
# What the claimants declared (the samples have no manifest): a total that is not the invoice's, for the desk to compare.
DECLARATIONS = {
    "missing-prescription": {
        "beneficiary": {"name": "Claire Dubois", "birth_date": "1984-05-17"},
        "care_types": ["pharmacy"],
        "situation": "france",
        "total_declared": "30.00",
        "currency": "EUR",
    }
}
# One request by e-mail: the physiotherapy invoice and a GIF the upload rules refuse (quarantined).
EMAIL_SENDER = ("Léa Morel", "lea.morel@example.org")
EMAIL_SUBJECT = "Remboursement séances de kiné"
EMAIL_TEXT = "Bonjour, veuillez trouver ci-joint la facture de mes séances de kinésithérapie. Cordialement, Léa Morel"
PASSWORDS = {"marie": "marie-manager-pw", "olivier": "olivier-operator-pw", "paul": "paul-manager-pw"}


def accounts() -> dict[str, Account]:
    """Two managers and an operator."""
    return {
        "marie": Account("marie", Role.MANAGER, hash_password(PASSWORDS["marie"])),
        "paul": Account("paul", Role.MANAGER, hash_password(PASSWORDS["paul"])),
        "olivier": Account("olivier", Role.OPERATOR, hash_password(PASSWORDS["olivier"])),
    }


def build_storage(root: Path, requests: tuple[str, ...] = REQUESTS) -> LocalStorage:
    """A local storage holding the processed claims of `requests` (sample request folders)."""
    for name in requests:
        target = root / "inbox" / "extranet" / name
        target.mkdir(parents=True)
        files = sorted(p for p in (SAMPLES / name).iterdir() if p.name not in ("expected.json", "claim.expected.json"))
        for path in [p for p in files if p.name != "manifest.json"] + [p for p in files if p.name == "manifest.json"]:
            shutil.copyfile(path, target / path.name)
        if not (target / "manifest.json").exists():
            (target / "manifest.json").write_text(json.dumps(DECLARATIONS.get(name, {})))
    (root / "inbox" / "email").mkdir(parents=True)
    (root / "inbox" / "email" / "kine.eml").write_bytes(email_request())
    storage = LocalStorage(root)
    # the sample claims read by Tesseract alone: the desk's tests need the pharmacy receipt's total read
    # with a low confidence (a field to correct), which the second reader of the default mode reads surely
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INTAKE_OCR_MODE", "fast")
        run_pass(storage)
    return storage


def email_request() -> bytes:
    """The e-mail request: sender, subject, text, the physiotherapy invoice and a refused GIF."""
    mail = EmailMessage()
    mail["From"] = formataddr(EMAIL_SENDER)
    mail["To"] = "remboursements@example.org"
    mail["Subject"] = EMAIL_SUBJECT
    mail.set_content(EMAIL_TEXT)
    mail.add_attachment(
        (SAMPLES / "physio" / "kine.pdf").read_bytes(), maintype="application", subtype="pdf", filename="kine.pdf"
    )
    mail.add_attachment((SAMPLES / "rejects" / "scan.gif").read_bytes(), maintype="image", subtype="gif", filename="scan.gif")
    return bytes(mail)
