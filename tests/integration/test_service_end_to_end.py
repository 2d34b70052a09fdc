"""End to end, real parts: a dedicated `prefect server start` (loopback; on SQLite, and on PostgreSQL as
in production), an S3-protocol
server, and `intake watch --once` as a subprocess. An extranet submission and an e-mail land in the
bucket; afterwards the claims are in `claims/` and `outbox/`, and the Prefect API shows the runs
COMPLETED, named after the claims, with their artifacts."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

import pytest

from samples.generator import fakes
from samples.generator.corpus import generate
from tests.prefect_server import start_prefect_server, stop
from tests.s3_server import ACCESS_KEY, SECRET_KEY, unique_bucket

CARE_DAY = date.today() - timedelta(days=8)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def prefect_api(request, tmp_path_factory):
    """A Prefect server of its own on loopback, its database SQLite in a temporary home, or a fresh
    database on a PostgreSQL server of the tests' own (production's: infra/compose.yaml)."""
    home = tmp_path_factory.mktemp(f"prefect-home-{request.param}")
    database_url = None
    if request.param == "postgresql":
        database_url = request.getfixturevalue("postgres_server").database(f"prefect_{home.name.replace('-', '_')}")
    log = home / "server.log"
    try:
        server, url = start_prefect_server(home, log_file=log, database_url=database_url)
    except RuntimeError:
        pytest.fail(f"the Prefect server ({request.param}) did not start:\n{log.read_text()[-3000:]}")
    yield url, home
    stop(server)


def test_bucket_to_claims_outbox_and_prefect_runs(tmp_path, s3_server, prefect_api):
    url, home = prefect_api
    bucket = unique_bucket()
    storage = s3_server.storage(bucket)
    who = fakes.person(random.Random(51), 1970, 1990)
    invoice = tmp_path / "facture.pdf"
    generate("pharmacy_invoice", "pdf_text", "clean", 9101, invoice, patient=who, day=CARE_DAY, third_party=False)
    generate("prescription", "pdf_text", "clean", 9102, tmp_path / "ordonnance.pdf", patient=who, day=CARE_DAY)
    storage.put_bytes("inbox/extranet/E2E-1/facture.pdf", invoice.read_bytes())
    storage.put_bytes("inbox/extranet/E2E-1/ordonnance.pdf", (tmp_path / "ordonnance.pdf").read_bytes())
    storage.put_bytes("inbox/extranet/E2E-1/manifest.json", json.dumps({"care_types": ["pharmacy"]}).encode())
    other = tmp_path / "autre.pdf"  # another invoice: the same bytes would rightly be a duplicate_document
    generate("pharmacy_invoice", "pdf_text", "clean", 9103, other, day=CARE_DAY, third_party=False)
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "a@example.org", "b@example.org", "Ma facture"
    mail.set_content("Bonjour, ci-joint ma facture.")
    mail.add_attachment(other.read_bytes(), maintype="application", subtype="pdf", filename="facture-pharmacie.pdf")
    storage.put_bytes("inbox/email/msg-1.eml", bytes(mail))

    env = {
        **os.environ,
        "PREFECT_API_URL": url,
        "PREFECT_HOME": str(home),
        "INTAKE_STORAGE": "s3",
        "INTAKE_S3_ENDPOINT": s3_server.endpoint,
        "INTAKE_S3_ACCESS_KEY": ACCESS_KEY,
        "INTAKE_S3_SECRET_KEY": SECRET_KEY,
        "INTAKE_S3_SECURE": "false",
        "INTAKE_BUCKET": bucket,
    }
    run = subprocess.run(
        [sys.executable, "-m", "flows.cli", "watch", "--once"], env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert SECRET_KEY not in run.stdout + run.stderr

    claims = {o.key.split("/")[1] for o in storage.list("claims/") if o.key.endswith("/claim.json")}
    assert len(claims) == 2
    statuses = {json.loads(storage.get_bytes(f"claims/{c}/claim.json"))["status"] for c in claims}
    assert statuses == {"ready", "needs_review"}  # the e-mail's invoice alone misses its prescription
    ready = [c for c in claims if storage.exists(f"outbox/adjudication/{c}.json")]
    assert len(ready) == 1 and storage.exists(f"claims/{(claims - set(ready)).pop()}/message.txt")

    from prefect.client.orchestration import PrefectClient
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    async def runs_and_artifacts():
        async with PrefectClient(url) as client:
            runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=sorted(claims))))
            return runs, await client.read_artifacts()

    runs, artifacts = asyncio.run(runs_and_artifacts())
    assert sorted(r.name for r in runs) == sorted(claims) and all(r.state.is_completed() for r in runs)
    assert {t for r in runs for t in r.tags} >= {"extranet", "email"}
    keys = {a.key for a in artifacts}
    assert all(f"{c.lower()}-summary" in keys and f"{c.lower()}-flags" in keys for c in claims)


def test_watch_keeps_watching_and_takes_a_submission_dropped_later(tmp_path, prefect_api):
    """`intake watch` without --once, on the local folder (polling): a request dropped while it runs (in
    the dated layout: its hour's folder, which the reconciliation pass lists) becomes a claim on a later
    pass, a flow run named after it; the first pass found nothing and made no run."""
    url, home = prefect_api
    root = tmp_path / "intake-data"
    env = {**os.environ, "PREFECT_API_URL": url, "PREFECT_HOME": str(home), "INTAKE_STORAGE": "local", "INTAKE_ROOT": str(root)}
    watcher = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "watch", "--interval", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = watcher.stdout.readline()
        assert first.startswith("0 submission(s) processed"), first
        from intake.inbox import partition_of

        folder = root / "inbox" / partition_of(datetime.now(UTC)) / "extranet" / "LATER-1"
        folder.mkdir(parents=True)
        generate("pharmacy_invoice", "pdf_text", "clean", 9104, folder / "facture.pdf", day=CARE_DAY, third_party=False)
        (folder / "manifest.json").write_text(json.dumps({"care_types": ["pharmacy"]}))
        deadline = time.monotonic() + 180
        while not list((root / "claims").glob("*/claim.json")):
            assert watcher.poll() is None, watcher.stderr.read()[-3000:]
            assert time.monotonic() < deadline, "the dropped submission was not processed"
            time.sleep(0.5)
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
    assert len(list((root / "claims").glob("*/claim.json"))) == 1
