"""The long fault run: 200 submissions on an S3-protocol server (MinIO's when installed, else moto's),
good ones (extranet uploads, e-mails) mixed with poison (manifests that do not validate, objects where
none belongs, names that cannot be keys, e-mails that are not e-mails). A worker process is killed
with SIGKILL in the middle of the batch; later the S3 server is stopped under another worker and
started again; then passes run until nothing is pending (the killed worker's lease lapsed).

It ends with 0 lost (every submission done, each with its claim), 0 duplicated (one claim per
submission, no original stored twice, no claim made twice), and every item a claim or a quarantine
entry with its reason. The figures are printed (`pytest -s`) and quoted in the README."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from infra.storage.base import StorageError
from intake import inbox
from intake.service_pass import run_pass
from samples.generator.corpus import generate
from tests.s3_server import ACCESS_KEY, SECRET_KEY, unique_bucket

TOTAL = int(os.environ.get("INTAKE_FAULT_SUBMISSIONS", "200"))
CARE_DAY = date.today() - timedelta(days=6)
REPO = Path(__file__).resolve().parents[2]
WORKER = """
import sys
from infra.storage.s3 import S3Storage
from intake.service_pass import run_pass
endpoint, access, secret, bucket = sys.argv[1:5]
run_pass(S3Storage(endpoint, access, secret, bucket, False))
"""


def invoices(folder: Path) -> list[bytes]:
    paths = [folder / f"facture-{n}.pdf" for n in range(4)]
    for n, path in enumerate(paths):
        generate("pharmacy_invoice", "pdf_text", "clean", 8300 + n, path, day=CARE_DAY, third_party=False)
    return [p.read_bytes() for p in paths]


def email_with(pdf: bytes, n: int) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = f"claimant{n}@example.org", "claims@example.org", "Ma facture"
    mail.set_content("Bonjour, ci-joint ma facture.")
    mail.add_attachment(pdf, maintype="application", subtype="pdf", filename="facture.pdf")
    return bytes(mail)


def drop(storage, raw_client, bucket: str, pdfs: list[bytes]) -> dict[str, str]:
    """Put TOTAL submissions in the inbox; {inbox name: what it is}."""
    kinds = ["good", "good", "email", "good", "bad_json", "good", "wrong_type", "email", "stray", "bad_name"]
    made = {}
    for n in range(TOTAL):
        kind = kinds[n % len(kinds)]
        pdf = pdfs[n % len(pdfs)]
        if kind == "email":
            storage.put_bytes(f"inbox/email/m{n}.eml", email_with(pdf, n))
            made[f"m{n}.eml"] = kind
        elif kind == "stray":
            storage.put_bytes(f"inbox/extranet/stray-{n}.pdf", pdf)
            made[f"extranet/stray-{n}.pdf"] = kind
        elif kind == "bad_name":  # written with the raw client: our storage refuses such keys
            import io

            raw_client.put_object(bucket, f"inbox/extranet/S{n}/fac\\ture.pdf", io.BytesIO(pdf), len(pdf))
            raw_client.put_object(bucket, f"inbox/extranet/S{n}/manifest.json", io.BytesIO(b"{}"), 2)
            made[f"S{n}"] = kind
        else:
            manifest = {"good": b'{"care_types": ["pharmacy"]}', "bad_json": b"{not json", "wrong_type": b'{"care_types": "x"}'}[
                kind
            ]
            storage.put_bytes(f"inbox/extranet/S{n}/facture.pdf", pdf)
            storage.put_bytes(f"inbox/extranet/S{n}/manifest.json", manifest)
            made[f"S{n}"] = kind
    return made


def done_count(storage) -> int:
    return len(storage.list(inbox.DONE))


def wait_for(storage, count: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while done_count(storage) < count and time.monotonic() < deadline:
        time.sleep(0.2)


def markers_held(storage) -> int:
    """How many submissions a worker holds (their marker says processing)."""
    keys = [i.key for i in storage.list(inbox.STATE) if i.key.endswith(".json")]
    return sum(json.loads(storage.get_bytes(key))["state"] == "processing" for key in keys)


def wait_until_holding(storage, timeout: float = 60) -> None:
    """Until a submission is taken and not done: more markers than done entries (markers listed first,
    so a marker counted and done in between is counted in both)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        markers = sum(i.key.endswith(".json") for i in storage.list(inbox.STATE))
        if markers > done_count(storage):
            return
        time.sleep(0.02)


def kill_a_worker_mid_batch(server, bucket: str, after: int) -> int:
    """SIGKILL a worker once `after` submissions are done, while it holds one: how many it held. A worker
    that finished its submission between the check and the signal held none: another is started and
    killed the same way (at most three)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    storage = server.storage(bucket)
    for _ in range(3):
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER, server.endpoint, ACCESS_KEY, SECRET_KEY, bucket],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(storage, after)
        wait_until_holding(storage)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        held = markers_held(storage)
        if held:
            return held
        after = done_count(storage) + 1
    raise AssertionError("no worker was killed while it held a submission")


def stop_storage_under_a_worker(server, bucket: str, after: int) -> bool:
    """A pass in this process while the server goes down after `after` submissions; True when it failed."""
    storage = server.storage(bucket)
    stopper = threading.Thread(target=lambda: (wait_for(storage, after), server.stop()))
    stopper.start()
    try:
        run_pass(storage)
        failed = False
    except StorageError:
        failed = True
    stopper.join()
    server.start()
    return failed


EXPECTED_CODES = {
    "bad_json": "invalid_manifest",
    "wrong_type": "invalid_manifest",
    "stray": "unexpected_object",
    "bad_name": "invalid_name",
}


@pytest.mark.usefixtures("index_url")  # the index database on SQLite and on PostgreSQL (tests/integration/conftest.py)
def test_two_hundred_submissions_through_a_killed_worker_and_a_storage_outage(tmp_path, restartable_s3_server):
    server, bucket = restartable_s3_server, unique_bucket()
    storage = server.storage(bucket)
    from minio import Minio

    raw = Minio(server.endpoint, ACCESS_KEY, SECRET_KEY, secure=False)
    made = drop(storage, raw, bucket, invoices(tmp_path))
    started = time.monotonic()
    held = kill_a_worker_mid_batch(server, bucket, after=TOTAL // 5)
    killed_at = done_count(storage)
    outage_failed = stop_storage_under_a_worker(server, bucket, after=TOTAL // 2)
    outage_at = done_count(storage)
    later = datetime.now(UTC) + inbox.LEASE + timedelta(minutes=1)  # the dead worker's lease has lapsed
    while inbox.pending(storage, later, timedelta(0)):
        run_pass(storage, quiet=timedelta(0), clock=lambda: later)
    elapsed = time.monotonic() - started

    submissions = {s.name: s for s in inbox.group_submissions(storage.list(inbox.INBOX))}
    markers = {name: inbox.read_marker(storage, s) for name, s in submissions.items()}
    assert set(submissions) == set(made) and all(m is not None and m.state == "done" for m in markers.values())  # 0 lost
    claim_ids = [m.claim_id for m in markers.values() if m is not None]
    assert len(set(claim_ids)) == TOTAL  # one claim per submission
    claims = {
        i.key.split("/")[1]: json.loads(storage.get_bytes(i.key))
        for i in storage.list("claims/")
        if i.key.endswith("/claim.json")
    }
    assert set(claims) == set(claim_ids)  # no claim without its submission, none missing
    originals = Counter(i.key.split("/")[1] for i in storage.list("claims/") if "/originals/" in i.key)
    history = sum("/history/claim-" in i.key for i in storage.list("claims/"))
    for name, kind in made.items():
        claim = claims[markers[name].claim_id]
        codes = {f["code"] for f in claim["flags"]}
        if kind in ("good", "email"):
            assert len(claim["documents"]) == 1 and originals[claim["claim_id"]] == 1, name  # 0 duplicated
        else:
            assert EXPECTED_CODES[kind] in codes, (name, codes)
            reasons = [i for i in storage.list(f"quarantine/{claim['claim_id']}/") if i.key.endswith(".reason.json")]
            assert reasons, name  # accounted for in quarantine, with its reason
    statuses = Counter(c["status"] for c in claims.values())
    taken_over = sum(m is not None and m.attempts > 1 for m in markers.values())
    assert taken_over >= held >= 1  # the killed worker's submissions were finished by others
    print(
        f"\nfault run: {TOTAL} submissions ({Counter(made.values())}), {elapsed:.0f} s; worker killed after {killed_at} done holding {held}; "
        f"storage stopped after {outage_at} done (pass failed: {outage_failed}); taken over after a lapsed lease: {taken_over}; "
        f"lost 0, duplicated 0; claims by status "
        f"{dict(statuses)}; re-written claim versions kept in history: {history}; "
        f"quarantine entries: {sum(i.key.endswith('.reason.json') for i in storage.list('quarantine/'))}"
    )
