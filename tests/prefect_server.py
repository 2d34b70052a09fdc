"""A Prefect server of its own on loopback (`prefect server start`, SQLite in a given home, or the
PostgreSQL database given by URL: tests/postgres.py), for the end-to-end tests and bench/service.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.s3_server import free_port

STARTUP_SECONDS = 120


def stop(process: subprocess.Popen) -> None:
    """Terminate, then kill if it does not stop within 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_prefect_server(
    home: Path, log_file: Path | None = None, database_url: str | None = None
) -> tuple[subprocess.Popen, str]:
    """The server process and its API URL, once /api/health answers; RuntimeError if it does not start.
    With `log_file`, the server's stdout and stderr go to that file (else they are discarded). The
    database is `database_url` (e.g. postgresql+asyncpg://...), else SQLite in `home`."""
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_DATABASE_CONNECTION_URL": database_url or f"sqlite+aiosqlite:///{home}/prefect.db",
        "PREFECT_UI_API_URL": f"http://127.0.0.1:{port}/api",
    }  # the UI's pages call this server, not :4200
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    if log_file is None:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        with log_file.open("ab") as log:  # the child keeps its own copy of the descriptor
            server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return server, url
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                stop(server)
                raise RuntimeError("the Prefect server did not start") from None
            time.sleep(0.5)


def drain_prefect_workers(timeout: float = 60.0) -> None:
    """Send this process's queued Prefect logs and events while the server still answers (to call before
    stopping a server the process talked to: queued items left for interpreter exit would be retried
    against a stopped server, and the exit handler's failure would turn a passing run's exit code to 1)."""
    import inspect

    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        for worker in (APILogWorker, EventsWorker):
            result = worker.drain_all(timeout=timeout, at_exit=False)
            if inspect.isawaitable(result):
                await result

    run_coro_as_sync(drain())


# SQLite's answer to two writers at once: Prefect's SQLite server logs it (with its traceback) on a busy
# machine and goes on; it says nothing about our code or Prefect's scheduler.
SQLITE_CONTENTION = "database is locked"


def unexplained_tracebacks(text: str) -> list[str]:
    """The exception line ending each traceback in a log, except SQLite contention (see above)."""
    lines = text.splitlines()
    found, i = [], 0
    while i < len(lines):
        if lines[i].strip().startswith("Traceback (most recent call last):"):
            j = i + 1
            while j < len(lines) and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
                j += 1
            final = lines[j] if j < len(lines) else lines[i]
            if SQLITE_CONTENTION not in final:
                found.append(final)
            i = j
        else:
            i += 1
    return found
