"""Where the index is (infra/index/engine.py): INTAKE_INDEX_URL without a secret in it, its password from
INTAKE_INDEX_PASSWORD (infra/compose.yaml gives the worker and the desk the URL in `environment:` and the
password through secrets/index-db.env), and no password ever in what is shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from infra.index.engine import default_url, shown, with_password
from infra.storage.local import LocalStorage

COMPOSE_URL = "postgresql+psycopg://intake@postgres:5432/intake_index"
PASSWORD = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2"


@pytest.fixture
def storage(tmp_path):
    return LocalStorage(tmp_path / "store")


def test_the_password_comes_from_its_own_variable_when_the_url_has_none(monkeypatch, storage):
    monkeypatch.setenv("INTAKE_INDEX_URL", COMPOSE_URL)
    monkeypatch.setenv("INTAKE_INDEX_PASSWORD", PASSWORD)
    url = make_url(default_url(storage))
    assert url.password == PASSWORD
    assert (url.drivername, url.username, url.host, url.port, url.database) == (
        "postgresql+psycopg",
        "intake",
        "postgres",
        5432,
        "intake_index",
    )


def test_without_the_variable_the_url_is_kept_as_written(monkeypatch, storage):
    monkeypatch.setenv("INTAKE_INDEX_URL", COMPOSE_URL)
    monkeypatch.delenv("INTAKE_INDEX_PASSWORD", raising=False)
    assert default_url(storage) == COMPOSE_URL
    monkeypatch.setenv("INTAKE_INDEX_PASSWORD", "")
    assert default_url(storage) == COMPOSE_URL


def test_a_password_written_in_the_url_wins(monkeypatch, storage):
    monkeypatch.setenv("INTAKE_INDEX_URL", "postgresql+psycopg://intake:in-the-url@db.example/intake_index")
    monkeypatch.setenv("INTAKE_INDEX_PASSWORD", PASSWORD)
    assert make_url(default_url(storage)).password == "in-the-url"


@pytest.mark.parametrize("password", ["a b/c%d@e:f?g#h", "mot-de-passe-été", "'\";--"])
def test_any_password_survives_the_url(password):
    assert make_url(with_password(COMPOSE_URL, password)).password == password


def test_the_password_is_never_shown(monkeypatch, storage):
    monkeypatch.setenv("INTAKE_INDEX_URL", COMPOSE_URL)
    monkeypatch.setenv("INTAKE_INDEX_PASSWORD", PASSWORD)
    url = default_url(storage)
    assert shown(url) == "postgresql+psycopg://intake:***@postgres:5432/intake_index"
    assert PASSWORD not in repr(create_engine(url))  # SQLAlchemy's own repr (no connection is made)
    assert shown(COMPOSE_URL) == COMPOSE_URL


def test_a_url_sqlalchemy_cannot_read_is_refused_without_quoting_it(monkeypatch, storage):
    monkeypatch.setenv("INTAKE_INDEX_URL", f"not a url {PASSWORD}")
    monkeypatch.setenv("INTAKE_INDEX_PASSWORD", PASSWORD)
    with pytest.raises(ValueError) as refused:
        default_url(storage)
    assert PASSWORD not in str(refused.value)
    assert PASSWORD not in shown(f"not a url {PASSWORD}")


def test_the_local_default_ignores_the_password(monkeypatch, storage, tmp_path):
    monkeypatch.delenv("INTAKE_INDEX_URL", raising=False)
    monkeypatch.setenv("INTAKE_INDEX_PASSWORD", PASSWORD)
    url = default_url(storage)
    assert url == f"sqlite:///{tmp_path / 'store.index.sqlite'}"
    assert PASSWORD not in url


def _open_at(root: str, start: float, results) -> None:
    """One worker process opening the index of a local storage at `start` (time.time())."""
    import time

    from infra.index.store import open_index
    from infra.storage.local import LocalStorage

    while time.time() < start:
        pass
    try:
        open_index(LocalStorage(Path(root)))
        results.put("ok")
    except Exception as error:  # what the worker would have died of
        results.put(f"{type(error).__name__}: {error}")


def test_workers_starting_together_on_a_fresh_index_take_turns_to_create_it(tmp_path):
    """Two `watch --once` on one new root used to die with "database is locked": the switch to WAL and
    the first migration do not wait for SQLite's busy timeout unless they are written to."""
    import multiprocessing
    import time

    context = multiprocessing.get_context("spawn")
    for attempt in range(3):
        results = context.Queue()
        start = time.time() + 3.0  # both spawned processes have imported by then
        workers = [context.Process(target=_open_at, args=(str(tmp_path / f"root-{attempt}"), start, results)) for _ in range(3)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert sorted(results.get(timeout=5) for _ in workers) == ["ok", "ok", "ok"]
