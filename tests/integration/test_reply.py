"""`intake process --out`: the claimant message beside the claim, and a reply quoting the claim number
that adds its files to the claim and re-runs the checks (CLI as a subprocess, Prefect ephemeral)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from samples.generator import fakes
from samples.generator.corpus import generate

CARE_DAY = date.today() - timedelta(days=20)


def intake(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", "process", *args], capture_output=True, text=True, timeout=600)


def only_claim(out: Path) -> Path:
    folders = [p for p in (out / "claims").iterdir() if p.name.startswith("CLM-")]
    assert len(folders) == 1, folders
    return folders[0]


def test_missing_prescription_message_then_reply_completes_the_claim(tmp_path):
    import random

    who = fakes.person(random.Random(11), 1970, 1990)
    invoice = generate(
        "pharmacy_invoice", "pdf_text", "clean", 5101, tmp_path / "facture.pdf", patient=who, day=CARE_DAY, third_party=False
    )
    out = tmp_path / "claims"
    first = intake(str(tmp_path / "facture.pdf"), "--out", str(out), "--language", "en")
    assert first.returncode == 0, first.stderr[-2000:]
    folder = only_claim(out)
    claim = json.loads((folder / "claim.json").read_text())
    assert claim["status"] == "needs_review" and "missing_prescription" in claim["status_reason"]
    message = (folder / "message.txt").read_text()
    assert folder.name in message and "prescription" in message and "ordonnance" not in message  # English only
    assert message.startswith(f"Your reimbursement request {folder.name}") and "Bonjour" not in message
    assert "<ol><li>" in (folder / "message.html").read_text()
    assert (folder / "originals" / "facture.pdf").read_bytes() == (tmp_path / "facture.pdf").read_bytes()

    generate(
        "prescription", "pdf_text", "clean", 5102, tmp_path / "ordonnance.pdf", patient=who, day=CARE_DAY - timedelta(days=2)
    )
    reply = intake(str(tmp_path / "ordonnance.pdf"), "--out", str(out), "--subject", f"Re: votre demande {folder.name}")
    assert reply.returncode == 0, reply.stderr[-2000:]
    assert only_claim(out) == folder  # no new claim
    claim = json.loads((folder / "claim.json").read_text())
    assert claim["status"] == "ready", claim["status_reason"]
    assert [d["file"] for d in claim["documents"]] == ["facture.pdf", "ordonnance.pdf"] and len(claim["replies"]) == 1
    assert not (folder / "message.txt").exists() and list((folder / "history").glob("message-*.txt"))
    assert len(list((folder / "history").glob("claim-*.json"))) == 1  # the first version, kept
    assert json.loads((out / "outbox" / "adjudication" / f"{folder.name}.json").read_text())["status"] == "ready"
    assert list((out / "state" / "index").rglob("*.json"))  # both documents fingerprinted for duplicates
    assert invoice["total"] == claim["documents"][0]["fields"]["total"]["value"]


def test_a_reply_to_an_unknown_claim_opens_a_flagged_claim(tmp_path):
    generate("prescription", "pdf_text", "clean", 5103, tmp_path / "ordonnance.pdf", day=CARE_DAY)
    out = tmp_path / "claims"
    run = intake(str(tmp_path / "ordonnance.pdf"), "--out", str(out), "--subject", "Re: CLM-20200101-ABCDEF")
    assert run.returncode == 0, run.stderr[-2000:]
    claim = json.loads((only_claim(out) / "claim.json").read_text())
    assert claim["claim_id"] != "CLM-20200101-ABCDEF"
    assert "unknown_claim" in [f["code"] for f in claim["flags"]]
