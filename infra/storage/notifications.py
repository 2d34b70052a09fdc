"""Waking the watcher when something lands in the inbox: MinIO bucket notifications where the server
offers them, polling otherwise.

`InboxSignal.wait(timeout)` returns True as soon as an object was created under the inbox since the
last call (notifications), or after `timeout` seconds (polling: the caller then looks anyway). The
watcher runs a pass after each wait, so a notification only makes a pass come sooner; nothing depends on
it arriving: a lost event, a dropped stream or a server without notifications (AWS S3, moto, a local
folder) all fall back to the next poll. Manifest-less uploads complete after a quiet period, which
only a timed pass can notice, so the poll interval stays even when notifications work.

The MinIO stream (ListenBucketNotification, `GET /<bucket>?events=...&prefix=...`) is read in a daemon
thread: one JSON document per line, blank keep-alive lines between. A server that answers anything else
(moto answers with the bucket's XML listing, AWS refuses the call) is marked unsupported and the thread
stops; a dropped connection is reopened after a back-off.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Protocol

import urllib3

from infra.storage.base import Storage, StorageError
from infra.storage.s3 import S3Storage

log = logging.getLogger(__name__)

RECONNECT_DELAYS = (1.0, 2.0, 5.0, 15.0, 30.0)
CREATED = ("s3:ObjectCreated:*",)


class InboxSignal(Protocol):
    """Something to wait on between two passes over the inbox."""

    mode: str  # "notifications" | "polling"

    def wait(self, timeout: float) -> bool:
        """True when new objects were announced; False when the timeout ran out (poll anyway)."""

    def close(self) -> None: ...


class Polling:
    """No notifications: every wait lasts the whole interval."""

    mode = "polling"

    def __init__(self) -> None:
        self._stop = threading.Event()

    def wait(self, timeout: float) -> bool:
        self._stop.wait(timeout)
        return False

    def close(self) -> None:
        self._stop.set()


def event_keys(line: bytes) -> list[str] | None:
    """The object keys of one line of the stream; [] for a keep-alive; None when the line is not a
    notification at all (the server does not speak ListenBucketNotification)."""
    text = line.strip()
    if not text:
        return []
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(document, dict) or "Records" not in document:
        return None
    records = document.get("Records") or []
    return [r.get("s3", {}).get("object", {}).get("key", "") for r in records if isinstance(r, dict)]


class BucketNotifications:
    """MinIO notifications of objects created under `prefix`, read in a daemon thread."""

    def __init__(self, storage: S3Storage, prefix: str, settle: float = 1.0) -> None:
        self.mode = "notifications"
        self._storage, self._prefix, self._settle = storage, prefix, settle
        self._arrived, self._stop = threading.Event(), threading.Event()
        self.supported: bool | None = None  # None until the server answered
        self._decided = threading.Event()
        self._response: urllib3.BaseHTTPResponse | None = None
        self._thread = threading.Thread(target=self._run, name="bucket-notifications", daemon=True)
        self._thread.start()

    def wait_until_known(self, timeout: float) -> bool | None:
        """Whether the server streams notifications, once it answered (None: not known in time)."""
        self._decided.wait(timeout)
        return self.supported

    def wait(self, timeout: float) -> bool:
        if self.supported is False:
            self._stop.wait(timeout)
            return False
        announced = self._arrived.wait(timeout)
        if announced:
            self._stop.wait(self._settle)  # the rest of a multi-file upload usually follows at once
            self._arrived.clear()
        return announced

    def close(self) -> None:
        self._stop.set()
        self.close_response()

    def _decide(self, supported: bool) -> None:
        if self.supported is None:
            self.supported = supported
            if not supported:
                self.mode = "polling"
                log.info("the storage server has no bucket notifications: polling")
            self._decided.set()

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._response = self._storage.open_event_stream(self._prefix, CREATED)
                if self._read(self._response) is False:
                    self._decide(False)
                    return
                failures = 0
            except StorageError as error:
                if "NotImplemented" in str(error) or "MethodNotAllowed" in str(error):
                    self._decide(False)
                    return
                log.warning("bucket notifications interrupted (%s): reconnecting", error)
            except Exception as error:
                log.warning("bucket notifications interrupted (%s): reconnecting", type(error).__name__)
            finally:
                self.close_response()
            failures += 1
            self._stop.wait(RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS)) - 1])

    def _read(self, response: urllib3.BaseHTTPResponse) -> bool:
        """Read the stream until it ends; False when it is not a notification stream."""
        while not self._stop.is_set():
            line = response.readline()
            if not line:
                return True  # the server closed the stream: reopen it
            keys = event_keys(line)
            if keys is None:
                return False
            self._decide(True)
            if keys:
                self._arrived.set()
        return True

    def close_response(self) -> None:
        """Drop the stream (`shutdown` first: it unblocks a read waiting in the other thread; a plain
        close would wait for the endless stream to end)."""
        response, self._response = self._response, None
        if response is not None:
            try:
                response.shutdown()
                response.close()
            except Exception:
                pass


def inbox_signal(storage: Storage, prefix: str = "inbox/") -> InboxSignal:
    """Bucket notifications for an S3 storage (polling if the server turns out not to offer them),
    polling for a local folder."""
    if isinstance(storage, S3Storage):
        return BucketNotifications(storage, prefix)
    return Polling()
