"""MinIO's event JSON for objects of an S3-protocol bucket (moto's server: it sends no notification of
its own, so the test posts what MinIO would): the dispatcher starts the announced submission once,
ignores another bucket's events, and a pass over the bucket lists only the recent hours."""

from __future__ import annotations

from datetime import UTC, datetime

from intake.dispatch import Dispatcher
from intake.inbox import partition_of
from tests.minio_events import created_event
from tests.s3_server import unique_bucket


def test_an_event_on_the_bucket_starts_its_submission_once(s3_server, tmp_path, monkeypatch):
    monkeypatch.setenv("INTAKE_INDEX_DIR", str(tmp_path / "index"))
    bucket = unique_bucket()
    storage = s3_server.storage(bucket)
    started = []
    dispatcher = Dispatcher(storage, lambda s, c: started.append((s.key, c)), bucket=bucket)
    assert dispatcher.reconcile() == []  # the first sweep of an empty bucket
    hour = partition_of(datetime.now(UTC))
    key = f"inbox/{hour}/extranet/S 1/manifest.json"  # a space: URL-encoded in the event
    storage.put_bytes(f"inbox/{hour}/extranet/S 1/facture.pdf", b"%PDF-1.4")
    storage.put_bytes(key, b"{}")
    assert dispatcher.on_event(created_event("another-bucket", key)) == []
    (claim_id,) = dispatcher.on_event(created_event(bucket, key))
    assert started == [(f"{hour}/extranet/S 1", claim_id)]
    assert dispatcher.on_event(created_event(bucket, key)) == [] and dispatcher.reconcile() == []
