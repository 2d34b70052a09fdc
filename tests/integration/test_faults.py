"""Faults: the S3 server stopped in the middle of a batch and restarted, and a worker killed in the
middle of a claim. Every submission ends processed exactly once, each in one claim."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from infra.storage.base import StorageError
from infra.storage.local import LocalStorage
from intake import inbox
from intake.service_pass import run_pass
from intake.submission import process_submission
from samples.generator import fakes
from samples.generator.corpus import generate

CARE_DAY = date.today() - timedelta(days=12)
# the index database on SQLite and on PostgreSQL (tests/integration/conftest.py)
pytestmark = pytest.mark.usefixtures("index_url")


@pytest.fixture(scope="module")
def invoices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    paths = []
    for n in range(3):
        who = fakes.person(random.Random(40 + n), 1960, 1995)
        path = folder / f"facture-{n}.pdf"
        generate("pharmacy_invoice", "pdf_text", "clean", 8100 + n, path, patient=who, day=CARE_DAY, third_party=False)
        paths.append(path)
    return paths


def drop(storage, invoices) -> None:
    for n, path in enumerate(invoices):
        storage.put_bytes(f"inbox/extranet/S-{n}/{path.name}", path.read_bytes())
        storage.put_bytes(f"inbox/extranet/S-{n}/manifest.json", b"{}")


def claim_folders(storage) -> set[str]:
    return {o.key.split("/")[1] for o in storage.list("claims/")}


def test_storage_down_mid_batch_then_back(restartable_s3_server, invoices):
    storage = restartable_s3_server.storage()
    drop(storage, invoices)
    now = datetime.now(UTC)
    first = inbox.pending(storage, now)[0]
    marker = inbox.take(storage, first, now)
    process_submission(storage, first, marker)  # marks it done
    restartable_s3_server.stop()
    with pytest.raises(StorageError):
        run_pass(storage)
    restartable_s3_server.start()
    rest = run_pass(storage)
    assert len(rest) == 2 and marker.claim_id not in {c.claim_id for c in rest}
    assert run_pass(storage) == [] and len(claim_folders(storage)) == 3


def test_a_worker_killed_mid_claim_is_finished_by_the_next_run(tmp_path, invoices):
    storage = LocalStorage(tmp_path / "store")
    drop(storage, invoices[:1])
    now = datetime.now(UTC)
    (submission,) = inbox.pending(storage, now)
    dead = inbox.take(storage, submission, now)  # this worker dies before writing anything
    assert run_pass(storage, clock=lambda: now + timedelta(minutes=5)) == []  # its lease is still live
    (claim,) = run_pass(storage, clock=lambda: now + inbox.LEASE + timedelta(minutes=1))
    assert claim.claim_id == dead.claim_id and claim_folders(storage) == {dead.claim_id}
    assert run_pass(storage, clock=lambda: now + timedelta(hours=2)) == []


def test_two_workers_on_one_inbox_never_process_twice(tmp_path, invoices):
    import threading

    storage = LocalStorage(tmp_path / "store")
    drop(storage, invoices)
    results: list[list] = [[], []]
    workers = [threading.Thread(target=lambda i=i: results[i].extend(run_pass(storage))) for i in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    ids = [c.claim_id for r in results for c in r]
    assert len(ids) == 3 and len(set(ids)) == 3 and len(claim_folders(storage)) == 3
