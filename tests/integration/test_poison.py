"""Nothing from the inbox stops a pass: poison submissions (unusable names, manifests that do not
validate, objects where none belongs) each end as a claim with their reason, everything they held
quarantined (or recorded by reference), and the good submission queued behind them is processed.
Real storage (a local folder), real pipeline; `intake watch --once` as a subprocess too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from infra.storage.local import LocalStorage
from intake import inbox
from intake.service_pass import run_pass
from tests.documents import quarantined
from tests.prefect_server import unexplained_tracebacks

INVOICE = Path(__file__).resolve().parents[2] / "samples" / "requests" / "pharmacy" / "invoice.pdf"


def put(root: Path, key: str, data: bytes) -> None:
    """Write an inbox object directly on disk, as a careless uploader could (no key checks)."""
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture
def poisoned(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    pdf = INVOICE.read_bytes()
    put(root, "inbox/extranet/bad\\folder/facture.pdf", pdf)  # a backslash in the submission's name
    put(root, "inbox/extranet/ctrl/fac\x01ture.pdf", pdf)  # a control character in a file's name
    put(root, "inbox/extranet/ctrl/facture.pdf", pdf)
    put(root, "inbox/extranet/json/facture.pdf", pdf)
    put(root, "inbox/extranet/json/manifest.json", b"{not json")
    put(root, "inbox/extranet/type/facture.pdf", pdf)
    put(
        root,
        "inbox/extranet/type/manifest.json",
        json.dumps({"care_types": "pharmacy", "beneficiary": {"name": "Jean Dupont"}}).encode(),
    )
    put(root, "inbox/extranet/field/facture.pdf", pdf)
    put(root, "inbox/extranet/field/manifest.json", b'{"care_types": ["pharmacy"], "favourite_colour": "blue"}')
    put(root, "inbox/extranet/stray.pdf", pdf)
    put(root, "inbox/email/sub/x.eml", b"From: a@example.org\n\nhello")
    put(root, "inbox/notes.txt", b"hello")
    put(root, "inbox/extranet/good/facture.pdf", pdf)
    put(root, "inbox/extranet/good/manifest.json", b'{"care_types": ["pharmacy"]}')
    return root


def reasons(storage: LocalStorage, claim_id: str) -> list[dict]:
    return [
        json.loads(storage.get_bytes(i.key)) for i in storage.list(f"quarantine/{claim_id}/") if i.key.endswith(".reason.json")
    ]


@pytest.mark.usefixtures("index_url")  # the index database on SQLite and on PostgreSQL (tests/integration/conftest.py)
def test_a_pass_accounts_for_every_poison_item_and_processes_the_rest(poisoned):
    storage = LocalStorage(poisoned)
    claims = {c.claim_id: c for c in run_pass(storage, quiet=timedelta(0))}  # uploads without a manifest: complete at once
    by_name = {s.name: s for s in inbox.group_submissions(storage.list(inbox.INBOX))}
    assert len(claims) == len(by_name) == 9 and run_pass(storage, quiet=timedelta(0)) == []  # every item once, none left pending

    def claim_of(name: str):
        marker = inbox.read_marker(storage, by_name[name])
        assert marker is not None and marker.state == "done"
        return claims[marker.claim_id]

    def codes(name: str) -> set[str]:
        return {f.code.value for f in claim_of(name).all_flags()}

    assert claim_of("good").status.value in ("ready", "needs_review") and claim_of("good").documents
    bad_folder = claim_of("bad\\folder")
    assert "invalid_name" in codes("bad\\folder") and not bad_folder.documents and bad_folder.status.value == "rejected"
    assert reasons(storage, bad_folder.claim_id)[0]["inbox_key"] == "inbox/extranet/bad\\folder/facture.pdf"
    ctrl = claim_of("ctrl")
    assert "invalid_name" in codes("ctrl") and [d.file for d in ctrl.documents] == ["facture.pdf"]
    for name in ("json", "type", "field"):
        claim = claim_of(name)
        assert "invalid_manifest" in codes(name) and claim.documents and claim.status.value == "needs_review", name
        assert quarantined(storage, claim.claim_id, "manifest.json").stored
        assert storage.exists(f"claims/{claim.claim_id}/message.txt")  # the claimant is asked to say it again
    assert "Jean Dupont" not in json.dumps([f.message for f in claim_of("type").all_flags()])  # the reason, not the value
    for name in ("extranet/stray.pdf", "email/sub/x.eml", "notes.txt"):
        claim = claim_of(name)
        assert codes(name) >= {"unexpected_object"} and claim.status.value == "rejected", name
        assert len(reasons(storage, claim.claim_id)) == 1
    assert storage.get_bytes("inbox/extranet/stray.pdf") == INVOICE.read_bytes()  # never altered or deleted


def test_intake_watch_once_goes_on_after_poison_items(poisoned):
    env = {**os.environ, "INTAKE_STORAGE": "local", "INTAKE_ROOT": str(poisoned), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "flows.cli", "watch", "--once", "--quiet", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "9 submission(s) processed" in run.stdout
    assert "Jean Dupont" not in run.stdout + run.stderr
    assert not unexplained_tracebacks(run.stderr), run.stderr[-3000:]  # the temporary Prefect server's SQLite contention aside
