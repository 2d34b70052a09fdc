"""The webhook MinIO posts its events to: token checked, documents handed over, health checks answered."""

from __future__ import annotations

import httpx
import pytest

from infra.storage.webhook import EventWebhook
from tests.minio_events import created_event


@pytest.fixture
def webhook():
    received: list[bytes] = []

    def on_event(body: bytes) -> None:
        if not body.startswith(b"{"):
            raise ValueError("not an event")
        received.append(body)

    hook = EventWebhook("127.0.0.1", 0, "s3cret", on_event)
    yield f"http://127.0.0.1:{hook.port}", received
    hook.close()


def test_events_with_the_token_are_handed_over(webhook):
    url, received = webhook
    body = created_event("intake", "inbox/email/m.eml")
    assert httpx.post(f"{url}/minio/events", content=body, headers={"Authorization": "Bearer s3cret"}).status_code == 204
    assert httpx.post(f"{url}/minio/events", content=body, headers={"Authorization": "s3cret"}).status_code == 204
    assert received == [body, body]


def test_refusals(webhook):
    url, received = webhook
    body = created_event("intake", "inbox/email/m.eml")
    assert httpx.post(f"{url}/minio/events", content=body).status_code == 401
    assert httpx.post(f"{url}/minio/events", content=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert httpx.post(f"{url}/other", content=body, headers={"Authorization": "Bearer s3cret"}).status_code == 404
    assert httpx.post(f"{url}/minio/events", content=b"junk", headers={"Authorization": "Bearer s3cret"}).status_code == 400
    assert received == []
    assert httpx.head(f"{url}/minio/events").status_code == 200  # MinIO's health check, without the token


def test_a_webhook_without_a_token_is_refused():
    with pytest.raises(ValueError):
        EventWebhook("127.0.0.1", 0, "", lambda body: None)
