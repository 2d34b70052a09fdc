"""Integration fixtures: an S3-protocol server on loopback (tests/s3_server.py), a PostgreSQL server
(tests/postgres.py), and the index database on each backend (`index_url`)."""

from __future__ import annotations

import uuid

import pytest

from tests.s3_server import S3Server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """One S3 server for the session (never stopped by a test: see `restartable_s3_server`)."""
    server = S3Server(tmp_path_factory.mktemp("s3-data")).start()
    yield server
    server.stop()


@pytest.fixture
def restartable_s3_server(tmp_path):
    """A server of the test's own, which the test may stop and start again."""
    server = S3Server(tmp_path / "s3-data").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL server for the session (Prefect's production database); skipped only when
    PostgreSQL's programs are not installed."""
    from tests.postgres import PostgresServer, binaries

    bin_dir = binaries()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL is not installed (initdb, pg_ctl): `apt-get install postgresql`, "
            "which infra/install-system-deps.sh (make test) does"
        )
    server = PostgresServer(bin_dir).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def index_url(request, monkeypatch, tmp_path):
    """The index database (infra/index) of one test, on each backend: `sqlite` leaves INTAKE_INDEX_URL unset
    (the default: a file beside a local storage; a bucket's under the test's own INTAKE_INDEX_DIR), and
    `postgresql` sets it to a fresh database of the session's PostgreSQL server (psycopg 3, as in
    production; skipped, saying why, when PostgreSQL is not installed). The value: INTAKE_INDEX_URL, None
    for SQLite. Every engine of the process is closed before and after (`dispose_all`)."""
    from infra.index.engine import dispose_all

    monkeypatch.setenv("INTAKE_INDEX_DIR", str(tmp_path / "index-dir"))
    url = None
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")
        url = server.index_database(f"index_{uuid.uuid4().hex[:16]}")
        monkeypatch.setenv("INTAKE_INDEX_URL", url)
    else:
        monkeypatch.delenv("INTAKE_INDEX_URL", raising=False)
    dispose_all()
    yield url
    dispose_all()
    if url is not None:
        from tests.postgres import drop_database

        drop_database(url)


@pytest.fixture(scope="session")
def desk_claims(tmp_path_factory):
    """Sample requests processed by the service into a local storage, once (real OCR): copy before changing."""
    from tests.review_data import build_storage

    root = tmp_path_factory.mktemp("desk-claims")
    build_storage(root)
    return root


@pytest.fixture
def desk_storage(desk_claims, tmp_path):
    """A fresh copy of the processed claims (with the page cache built so far) for one test."""
    import shutil

    from infra.storage import LocalStorage

    root = tmp_path / "storage"
    shutil.copytree(desk_claims, root)
    return LocalStorage(root)


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    """A real `prefect server start` of the module's own (a subprocess on loopback, SQLite in a temporary
    home), the in-process client pointed at it for the module's tests. (Prefect's own test harness runs
    its server inside the test process: under load its event sending stalled the harness's shutdown.)"""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from tests.prefect_server import drain_prefect_workers, start_prefect_server, stop

    server, url = start_prefect_server(tmp_path_factory.mktemp("prefect-home"))
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
            drain_prefect_workers()
    finally:
        stop(server)
