"""Bucket notifications (infra/storage/notifications.py): a loopback HTTP server speaking only MinIO's
ListenBucketNotification wakes the watcher; a stream that is not one falls back to polling."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from infra.storage import LocalStorage, S3Storage
from infra.storage.notifications import BucketNotifications, Polling, event_keys, inbox_signal

RECORD = {
    "EventName": "s3:ObjectCreated:Put",
    "Key": "intake/inbox/email/a.eml",
    "Records": [{"s3": {"object": {"key": "inbox/email/a.eml"}}}],
}


def test_event_keys_reads_records_keepalives_and_refuses_other_answers():
    assert event_keys(json.dumps(RECORD).encode() + b"\n") == ["inbox/email/a.eml"]
    assert event_keys(b" \n") == []
    assert event_keys(b'{"Records": null}\n') == []
    assert event_keys(b'<?xml version="1.0"?><ListBucketResult>\n') is None
    assert event_keys(b'{"Buckets": []}\n') is None


class FakeMinio(BaseHTTPRequestHandler):
    """HEAD bucket -> 200; GET bucket?events=... -> a keep-alive, then one record per `announce` call."""

    queue: ClassVar[list[bytes]] = []
    listened = threading.Event()
    answer_xml = False

    def log_message(self, *args):  # quiet
        pass

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        if type(self).answer_xml or "events=" not in self.path:
            self.wfile.write(b'<?xml version="1.0"?><ListBucketResult></ListBucketResult>\n')
            return
        assert "prefix=inbox%2F" in self.path
        self.wfile.write(b" \n")
        self.wfile.flush()
        type(self).listened.set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if type(self).queue:
                self.wfile.write(type(self).queue.pop(0))
                self.wfile.flush()
            time.sleep(0.05)


@pytest.fixture
def fake_minio():
    FakeMinio.queue, FakeMinio.answer_xml = [], False
    FakeMinio.listened.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeMinio)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_notification_cuts_the_wait_short(fake_minio):
    storage = S3Storage(fake_minio, "key", "secret", "intake", secure=False, conditional_put=True)
    signal = BucketNotifications(storage, "inbox/", settle=0.1)
    try:
        assert FakeMinio.listened.wait(5)
        assert signal.wait_until_known(5) is True
        assert signal.mode == "notifications"
        started = time.monotonic()
        assert signal.wait(0.3) is False  # nothing announced: the whole interval
        assert time.monotonic() - started >= 0.3
        FakeMinio.queue.append(json.dumps(RECORD).encode() + b"\n")
        started = time.monotonic()
        assert signal.wait(8) is True
        assert time.monotonic() - started < 5
        assert signal.wait(0.2) is False  # the event was consumed
    finally:
        signal.close()


def test_a_server_without_notifications_falls_back_to_polling(fake_minio):
    FakeMinio.answer_xml = True
    storage = S3Storage(fake_minio, "key", "secret", "intake", secure=False, conditional_put=True)
    signal = BucketNotifications(storage, "inbox/")
    try:
        assert signal.wait_until_known(5) is False
        assert signal.mode == "polling"
        started = time.monotonic()
        assert signal.wait(0.3) is False
        assert time.monotonic() - started >= 0.3
    finally:
        signal.close()


def test_a_local_folder_is_polled(tmp_path):
    signal = inbox_signal(LocalStorage(tmp_path))
    assert isinstance(signal, Polling) and signal.mode == "polling"
    assert signal.wait(0.05) is False
