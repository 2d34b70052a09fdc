"""An S3-protocol server on loopback for tests. MinIO's own server when a `minio` binary is on the PATH
(a subprocess, objects on disk), else moto's server mode (`moto[server]`: ThreadedMotoServer, a thread
of the test process, objects in this process's memory). Either keeps its objects across `stop()` and
`start()` on the same port, so a test can take the server down mid-way and bring it back.
INTAKE_TEST_S3_SERVER=moto|minio forces one."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

from infra.storage import S3Storage

ACCESS_KEY = "intake-test"
SECRET_KEY = "intake-test-secret-key"
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int, path: str = "/", ok: tuple[bytes, ...] = (b"",)) -> bool:
    """Whether an HTTP server on the port answers `path` with a status starting with one of `ok`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(f"HEAD {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
            status = conn.recv(64).split(b" ")
            return status[0].startswith(b"HTTP/") and len(status) > 1 and status[1].startswith(ok)
    except OSError:
        return False


def unique_bucket() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


class S3Server:
    """Start, stop and restart one S3 server on a fixed loopback port."""

    def __init__(self, data_dir: Path, kind: str | None = None) -> None:
        self.kind = kind or os.environ.get("INTAKE_TEST_S3_SERVER") or ("minio" if shutil.which("minio") else "moto")
        self.port, self.data_dir = free_port(), data_dir
        self.endpoint = f"127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None
        self._moto = None

    def start(self) -> S3Server:
        if self.kind == "minio":
            self._start_minio()
        else:
            self._start_moto()
        deadline = time.monotonic() + STARTUP_SECONDS
        ready = ("/minio/health/ready", (b"200",)) if self.kind == "minio" else ("/", (b"",))
        while not answers(self.port, *ready):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the {self.kind} S3 server did not answer on {self.endpoint}")
            time.sleep(0.1)
        return self

    def _start_minio(self) -> None:
        env = {**os.environ, "MINIO_ROOT_USER": ACCESS_KEY, "MINIO_ROOT_PASSWORD": SECRET_KEY}
        command = [
            shutil.which("minio") or "minio",
            "server",
            "--quiet",
            "--address",
            self.endpoint,
            "--console-address",
            f"127.0.0.1:{free_port()}",
            str(self.data_dir),
        ]
        self._process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _start_moto(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request otherwise
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._moto.start()

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._moto is not None:
            self._moto.stop()
            self._moto = None

    def storage(self, bucket: str | None = None, **options) -> S3Storage:
        """An S3Storage on a bucket of this server (a new one by default), with test-sized timeouts."""
        options = {"connect_timeout": 1.0, "read_timeout": 5.0, "retries": 1, **options}
        return S3Storage(self.endpoint, ACCESS_KEY, SECRET_KEY, bucket or unique_bucket(), secure=False, **options)
