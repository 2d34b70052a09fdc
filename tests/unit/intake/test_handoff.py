"""Hand-off to adjudication against a real local HTTP endpoint: delivered once, retried when down,
idempotency key stable, refusals not retried forever."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from infra.storage.local import LocalStorage
from intake.claim_store import ClaimStore
from intake.handoff import deliver_pending, idempotency_key
from models import ClaimStatus, DocType
from tests.unit.validators.claim_fixtures import claim, doc


class Endpoint:
    """A tiny adjudication endpoint: answers `status`, records what it received."""

    def __init__(self, status: int = 201) -> None:
        self.status = status
        self.received: list[tuple[str, dict]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                endpoint.received.append((self.headers["Idempotency-Key"], json.loads(body)))
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
