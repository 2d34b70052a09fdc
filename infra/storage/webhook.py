"""The webhook MinIO POSTs its bucket notifications to: a small HTTP server in a thread of the service.

    POST <path>   one event document (MinIO's JSON); answered 204 once handed to `on_event`, 400 when it
                  is not an event document, 401 without the token, 413 when too large
    HEAD, GET     200: MinIO checks the endpoint is up before it sends (without the token)

The token: MinIO sends its `auth_token` setting as the Authorization header exactly as configured; both
`Bearer <token>` and the bare token are accepted, compared in constant time. Nothing of a request is
logged but its outcome (keys carry claimants' names).
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger(__name__)
MAX_BODY = 1 << 20  # MinIO sends one record per document: a few KiB


class EventWebhook:
    """Serve the webhook on (host, port) until `close()`; `on_event(body)` gets each accepted document
    and may raise ValueError for one it refuses (answered 400)."""

    def __init__(self, host: str, port: int, token: str, on_event: Callable[[bytes], Any], path: str = "/minio/events") -> None:
        if not token:
            raise ValueError("the webhook needs a token (INTAKE_EVENTS_TOKEN)")
        self.path, self._token, self._on_event = path, token, on_event
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, name="event-webhook", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def authorised(self, header: str | None) -> bool:
        given = (header or "").strip()
        given = given[len("Bearer ") :] if given.startswith("Bearer ") else given
        return hmac.compare_digest(given.encode("utf-8", "replace"), self._token.encode("utf-8"))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # the default logs paths: nothing here
                return

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_HEAD(self) -> None:
                self._answer(200)

            def do_GET(self) -> None:
                self._answer(200)

            def do_POST(self) -> None:
                if self.path.split("?", 1)[0] != webhook.path:
                    return self._answer(404)
                if not webhook.authorised(self.headers.get("Authorization")):
                    return self._answer(401)
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    return self._answer(413)
                body = self.rfile.read(length)
                try:
                    webhook._on_event(body)
                except ValueError as error:
                    log.warning("bucket notification refused (%s)", getattr(error, "code", type(error).__name__))
                    return self._answer(400)
                except Exception as error:  # the storage or the index failed: MinIO retries (its queue)
                    log.warning("bucket notification not handled (%s): left to the reconciliation", type(error).__name__)
                    return self._answer(503)
                self._answer(204)

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
