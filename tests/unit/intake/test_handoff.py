"""Hand-off to adjudication against a real local HTTP endpoint: delivered once, retried when down,
idempotency key stable, refusals not retried forever; what waits comes from the index (no listing of the
outbox), which learns of each delivery and of an outbox object gone."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from infra.index.store import open_index
from infra.storage.local import LocalStorage
from intake.claim_store import ClaimStore
from intake.handoff import DELIVERED, Delivery, HandoffFailed, deliver_pending, idempotency_key, undelivered
from intake.reindex import Reindex
from models import ClaimStatus, DocType
from tests.unit.validators.claim_fixtures import claim, doc


class Endpoint:
    """A tiny adjudication endpoint: answers `status`, records what it received."""

    def __init__(self, status: int = 201) -> None:
        self.status = status
        self.received: list[tuple[str, dict]] = []
        self.on_post: Callable[[], None] = lambda: None  # what happens elsewhere while a claim is posted
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                endpoint.received.append((self.headers["Idempotency-Key"], json.loads(body)))
                endpoint.on_post()
                self.send_response(endpoint.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/claims"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    server = Endpoint()
    yield server
    server.close()


def ready_claim():
    return claim(doc("facture.pdf", DocType.INVOICE, total="12.00"), status=ClaimStatus.READY)


def test_delivered_once_with_a_stable_key(tmp_path, endpoint):
    storage = LocalStorage(tmp_path)
    ClaimStore(storage).write_outbox(ready_claim())
    with httpx.Client(timeout=5) as client:
        first = deliver_pending(storage, endpoint.url, client)
        again = deliver_pending(storage, endpoint.url, client)
    assert [(d.delivered, d.status) for d in first] == [(True, 201)] and again == []
    key, body = endpoint.received[0]
    assert body["claim_id"] == "CLM-20261120-ABC123" and key == idempotency_key(
        "CLM-20261120-ABC123", storage.get_bytes("outbox/adjudication/CLM-20261120-ABC123.json")
    )


def test_endpoint_down_then_up_the_claim_is_not_lost(tmp_path, monkeypatch):
    monkeypatch.setattr("intake.handoff.BACKOFF_SECONDS", 0.01)
    storage = LocalStorage(tmp_path)
    ClaimStore(storage).write_outbox(ready_claim())
    down = Endpoint()
    url = down.url
    down.close()  # nothing listens on that port any more
    with httpx.Client(timeout=2) as client:
        failed = deliver_pending(storage, url, client)
    assert [(d.delivered, d.attempts) for d in failed] == [(False, 3)]
    up = Endpoint()
    try:
        with httpx.Client(timeout=5) as client:
            later = deliver_pending(storage, up.url, client)
        assert [d.delivered for d in later] == [True] and len(up.received) == 1
    finally:
        up.close()


def test_a_refusal_is_not_retried_in_a_loop(tmp_path):
    storage = LocalStorage(tmp_path)
    ClaimStore(storage).write_outbox(ready_claim())
    refusing = Endpoint(status=422)
    try:
        with httpx.Client(timeout=5) as client:
            result = deliver_pending(storage, refusing.url, client)
        assert [(d.delivered, d.status, d.attempts) for d in result] == [(False, 422, 1)]
    finally:
        refusing.close()


# -- the index says what waits ----------------------------------------------------------------------
CLAIM_ID = "CLM-20261120-ABC123"


class Unlisted(LocalStorage):
    """A storage whose listing fails: the hand-off never lists the outbox."""

    def list(self, prefix: str = ""):
        raise AssertionError(f"listed {prefix}")


def test_the_index_learns_of_the_delivery_and_nothing_is_listed(tmp_path, endpoint):
    storage = Unlisted(tmp_path)
    ClaimStore(storage).write_outbox(ready_claim())
    index = open_index(storage)
    assert [claim_id for claim_id, _ in index.undelivered()] == [CLAIM_ID]
    with httpx.Client(timeout=5) as client:
        [delivery] = deliver_pending(storage, endpoint.url, client)
    assert delivery.delivered and index.undelivered() == [] and index.undelivered_summary() == (0, None)
    receipt = json.loads(storage.get_bytes(f"{DELIVERED}{CLAIM_ID}.json"))
    assert receipt["idempotency_key"] == endpoint.received[0][0]


def test_a_failed_delivery_stays_undelivered_in_the_index(tmp_path, monkeypatch):
    monkeypatch.setattr("intake.handoff.BACKOFF_SECONDS", 0.01)
    storage = LocalStorage(tmp_path)
    ClaimStore(storage).write_outbox(ready_claim())
    refusing = Endpoint(status=503)
    try:
        with httpx.Client(timeout=5) as client:
            [delivery] = deliver_pending(storage, refusing.url, client)
    finally:
        refusing.close()
    assert (delivery.delivered, delivery.status) == (False, 503)
    assert [c for c, _ in open_index(storage).undelivered()] == [CLAIM_ID] and not storage.exists(f"{DELIVERED}{CLAIM_ID}.json")


def test_a_newer_version_is_delivered_again_with_its_own_key(tmp_path, endpoint):
    storage = LocalStorage(tmp_path)
    store = ClaimStore(storage)
    store.write_outbox(ready_claim())
    with httpx.Client(timeout=5) as client:
        deliver_pending(storage, endpoint.url, client)
        store.write_outbox(ready_claim().model_copy(update={"status_reason": "approuvée par marie"}))
        [again] = deliver_pending(storage, endpoint.url, client)
    assert again.delivered and len(endpoint.received) == 2
    (first_key, _), (second_key, body) = endpoint.received
    assert first_key != second_key and body["status_reason"] == "approuvée par marie"


def test_a_version_written_while_the_older_is_posted_stays_pending(tmp_path, endpoint):
    storage = LocalStorage(tmp_path)
    store = ClaimStore(storage)
    store.write_outbox(ready_claim())
    newer = ready_claim().model_copy(update={"status_reason": "approuvée par paul"})
    endpoint.on_post = lambda: store.write_outbox(newer) if len(endpoint.received) == 1 else None
    with httpx.Client(timeout=5) as client:
        [first] = deliver_pending(storage, endpoint.url, client)
        assert first.delivered and [c for c, _ in open_index(storage).undelivered()] == [CLAIM_ID]
        [second] = deliver_pending(storage, endpoint.url, client)
        assert second.delivered and deliver_pending(storage, endpoint.url, client) == []
    assert [body.get("status_reason") for _, body in endpoint.received] == [None, "approuvée par paul"]


def test_an_outbox_object_gone_leaves_the_index_without_a_post(tmp_path, endpoint):
    storage = LocalStorage(tmp_path)
    ClaimStore(storage).write_outbox(ready_claim())
    storage.delete(f"outbox/adjudication/{CLAIM_ID}.json")  # removed, and the index not told (a crash)
    with httpx.Client(timeout=5) as client:
        assert deliver_pending(storage, endpoint.url, client) == []
    assert endpoint.received == [] and open_index(storage).undelivered() == []


def test_a_receipt_the_index_missed_is_not_posted_again(tmp_path, endpoint):
    storage = LocalStorage(tmp_path)
    ClaimStore(storage).write_outbox(ready_claim())
    with httpx.Client(timeout=5) as client:
        deliver_pending(storage, endpoint.url, client)
        index = open_index(storage)
        index.outbox_written(CLAIM_ID, datetime.now(UTC))  # the index behind the receipt (restored from a backup)
        assert deliver_pending(storage, endpoint.url, client) == []
    assert len(endpoint.received) == 1 and index.undelivered() == []


def test_an_object_written_behind_the_claim_stores_back_waits_for_reindex(tmp_path, endpoint):
    storage = LocalStorage(tmp_path)
    payload = ready_claim().model_dump_json().encode("utf-8")
    storage.put_bytes(f"outbox/adjudication/{CLAIM_ID}.json", payload, "application/json")
    with httpx.Client(timeout=5) as client:
        assert deliver_pending(storage, endpoint.url, client) == []  # the index does not know it
        Reindex(storage, keep=True).run()
        [delivery] = deliver_pending(storage, endpoint.url, client)
    assert delivery.delivered and endpoint.received[0][0] == idempotency_key(CLAIM_ID, payload)


def test_a_submissions_hand_off_delivers_its_own_claim_alone(tmp_path, endpoint):
    storage = LocalStorage(tmp_path)
    store = ClaimStore(storage)
    store.write_outbox(ready_claim())
    store.write_outbox(ready_claim().model_copy(update={"claim_id": "CLM-20261120-OTHER1"}))
    with httpx.Client(timeout=5) as client:
        (delivery,) = deliver_pending(storage, endpoint.url, client, only="CLM-20261120-OTHER1")
        assert delivery.claim_id == "CLM-20261120-OTHER1" and delivery.delivered
        assert deliver_pending(storage, endpoint.url, client, only="CLM-20261120-OTHER1") == []  # delivered: nothing waits
        assert deliver_pending(storage, endpoint.url, client, only="CLM-20261120-NOTHER") == []  # not in the outbox
    assert [body["claim_id"] for _, body in endpoint.received] == ["CLM-20261120-OTHER1"]
    assert [claim_id for claim_id, _ in open_index(storage).undelivered()] == [CLAIM_ID]  # the other still waits


def test_a_failed_hand_off_names_its_claims_and_their_http_status_only():
    waiting = [Delivery(f"CLM-20261120-{n:06d}", False, 503 if n % 2 else None, 3) for n in range(7)]
    error = HandoffFailed(waiting)
    assert error.waiting == waiting
    assert str(error) == (
        "hand-off failed for 7 claim(s): CLM-20261120-000000 (HTTP no answer), CLM-20261120-000001 (HTTP 503), "
        "CLM-20261120-000002 (HTTP no answer), CLM-20261120-000003 (HTTP 503), CLM-20261120-000004 (HTTP no answer)"
        " and 2 more; kept in the outbox"
    )
    assert undelivered([Delivery("A", True, 201, 1), *waiting[:1]]) == waiting[:1]
