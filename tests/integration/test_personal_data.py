"""No personal data leaves the claim store: a request full of it (the beneficiary's name in the
declaration, the documents and the file names; a social security number and an IBAN in a manifest
that does not validate) goes through `intake watch --once` with Prefect (ephemeral server, its home in
a temporary folder). Afterwards none of it appears in stdout/stderr, nor anywhere in Prefect's home
(its database: logs, run parameters, state messages, artifacts; its result storage: pickled values
and exceptions). The claims themselves hold it, as they must."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from infra.storage.local import LocalStorage
from samples.generator.corpus import generate
from samples.generator.fakes import Person

CARE_DAY = date.today() - timedelta(days=9)
WHO = Person("Honorine", "Vasseur-Delacroix", 2, date(1984, 5, 17))
NIR = "2840575123456"
IBAN = "FR7630006000011234567890189"
SECRETS = (WHO.last, "Honorine", NIR, IBAN)


def everything_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_no_personal_data_in_logs_parameters_states_or_results(tmp_path):
    store, home = tmp_path / "store", tmp_path / "prefect-home"
    storage = LocalStorage(store)
    invoice, prescription = tmp_path / "facture.pdf", tmp_path / "ordonnance.pdf"
    generate("pharmacy_invoice", "pdf_text", "clean", 9301, invoice, patient=WHO, day=CARE_DAY, third_party=False)
    generate("prescription", "pdf_text", "clean", 9302, prescription, patient=WHO, day=CARE_DAY)
    declared = {"care_types": ["pharmacy"], "beneficiary": {"name": f"{WHO.first} {WHO.last}"}}
    for name, manifest in (("good", declared), ("bad", {**declared, "care_types": "pharmacy", "nir": NIR, "iban": IBAN})):
        storage.put_bytes(f"inbox/extranet/{name}/facture-{WHO.last}.pdf", invoice.read_bytes())
        storage.put_bytes(f"inbox/extranet/{name}/ordonnance-{WHO.first}.pdf", prescription.read_bytes())
        storage.put_bytes(f"inbox/extranet/{name}/manifest.json", json.dumps(manifest).encode())
    env = {
        **os.environ,
        "INTAKE_STORAGE": "local",
        "INTAKE_ROOT": str(store),
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "DEBUG",
    }
    env.pop("PREFECT_API_URL", None)
    run = subprocess.run([sys.executable, "-m", "flows.cli", "watch", "--once"], env=env, capture_output=True, timeout=900)
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-3000:]
    assert b"2 submission(s) processed" in run.stdout

    claims = [json.loads(storage.get_bytes(i.key)) for i in storage.list("claims/") if i.key.endswith("/claim.json")]
    assert len(claims) == 2 and any(f["code"] == "invalid_manifest" for c in claims for f in c["flags"])
    assert WHO.last.encode() in everything_under(store / "claims")  # the claims do hold it
    prefect_files = everything_under(home)
    assert b"intake-submission" in prefect_files and b"invalid_manifest" in prefect_files  # runs and artifacts are there
    for secret in SECRETS:
        for where, data in (("stdout", run.stdout), ("stderr", run.stderr), ("Prefect's home", prefect_files)):
            assert secret.encode() not in data, f"{secret[:3]}... found in {where}"
