"""S3Storage against a real S3-protocol server on loopback (MinIO, else moto's server mode), held to the
same contract as the local folder; then what only a server shows: the conditional put, the settings,
a server stopped mid-way and restarted, a server that accepts connections and never answers."""

from __future__ import annotations

import io
import socket
import time

import pytest

from infra.storage import InvalidKey, LocalStorage, NotFound, S3Storage, StorageError, open_storage
from tests.s3_server import ACCESS_KEY, SECRET_KEY, unique_bucket
from tests.storage_contract import StorageContract, race_if_absent

DOWN_SECONDS = 10  # a call on a dead server must fail within this, never hang


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "intake-data")
    return request.getfixturevalue("s3_server").storage()


class TestStorageContract(StorageContract):
    pass


def test_the_server_honours_if_none_match(s3_server):
    storage = s3_server.storage()
    assert storage.conditional_put is None
    assert storage.put_bytes("locks/a", b"token-1", if_absent=True)
    assert storage.conditional_put is True, f"{s3_server.kind} ignores If-None-Match: *"
    assert [o.key for o in storage.list()] == ["locks/a"]  # the probe object is gone
    assert storage._put_if_none_match("locks/a", b"token-2", "text/plain") is False  # a raw 412
    assert storage.get_bytes("locks/a") == b"token-1"


def test_many_racing_conditional_puts_have_one_winner_each(s3_server):
    storage = s3_server.storage(conditional_put=True)
    counts = [len(race_if_absent(storage, f"locks/k{n}")) for n in range(25)]
    assert counts == [1] * 25


def test_the_best_effort_fallback_keeps_the_contract_when_not_racing(s3_server):
    storage = s3_server.storage(conditional_put=False)
    assert storage.put_bytes("locks/a", b"token-1", if_absent=True) is True
    assert storage.put_bytes("locks/a", b"token-2", if_absent=True) is False
    assert storage.put_bytes("locks/a", b"token-1", if_absent=True) is True
    assert storage.get_bytes("locks/a") == b"token-1"


def test_the_content_type_is_kept(s3_server):
    storage = s3_server.storage()
    storage.put_bytes("a.pdf", b"%PDF", content_type="application/pdf")
    storage.put_bytes("b.json", b"{}", content_type="application/json", if_absent=True)
    storage.put_bytes("c.bin", b"")
    types = [storage._client.stat_object(storage.bucket, key).content_type for key in ("a.pdf", "b.json", "c.bin")]
    assert types == ["application/pdf", "application/json", "application/octet-stream"]


def test_objects_no_key_can_address_are_listed_but_not_read(s3_server):
    """A stranger's odd keys are listed (the inbox accounts for them), reading them by key is refused;
    folder markers are not objects."""
    storage = s3_server.storage()
    storage.put_bytes("inbox/s/a.pdf", b"1")
    for odd in ["inbox/s/folder/", "inbox/s//double", "inbox/s/bell\x07.pdf"]:  # written by some other client
        storage._client.put_object(storage.bucket, odd, io.BytesIO(b"x"), 1)
    assert [o.key for o in storage.list("inbox/")] == ["inbox/s//double", "inbox/s/a.pdf", "inbox/s/bell\x07.pdf"]
    for odd in ["inbox/s//double", "inbox/s/bell\x07.pdf"]:
        with pytest.raises(InvalidKey):
            storage.get_bytes(odd)


def test_an_existing_bucket_is_used_as_it_is(s3_server):
    bucket = unique_bucket()
    s3_server.storage(bucket).put_bytes("a", b"1")
    assert s3_server.storage(bucket).get_bytes("a") == b"1"


def test_open_storage_from_the_environment(s3_server, monkeypatch):
    bucket = unique_bucket()
    for name, value in [
        ("INTAKE_STORAGE", "s3"),
        ("INTAKE_S3_ENDPOINT", s3_server.endpoint),
        ("INTAKE_BUCKET", bucket),
        ("INTAKE_S3_ACCESS_KEY", ACCESS_KEY),
        ("INTAKE_S3_SECRET_KEY", SECRET_KEY),
        ("INTAKE_S3_SECURE", "0"),
    ]:
        monkeypatch.setenv(name, value)
    storage = open_storage()
    assert isinstance(storage, S3Storage)
    storage.put_bytes("inbox/x", b"1")
    assert storage.describe() == f"S3 bucket {bucket} at http://{s3_server.endpoint}"
    assert SECRET_KEY not in storage.describe() and SECRET_KEY not in repr(storage)


def _calls(storage):
    return {
        "put": lambda: storage.put_bytes("inbox/s/b.pdf", b"y"),
        "put if absent": lambda: storage.put_bytes("inbox/s/c.pdf", b"z", if_absent=True),
        "get": lambda: storage.get_bytes("inbox/s/a-Dupont.pdf"),
        "exists": lambda: storage.exists("inbox/s/a-Dupont.pdf"),
        "list": lambda: storage.list("inbox/"),
        "copy": lambda: storage.copy("inbox/s/a-Dupont.pdf", "claims/c/a.pdf"),
        "delete": lambda: storage.delete("locks/x"),
    }


def test_a_stopped_server_gives_storage_errors_then_works_again_after_a_restart(restartable_s3_server):
    server = restartable_s3_server
    storage = server.storage(connect_timeout=1.0, read_timeout=2.0, retries=1)
    storage.put_bytes("inbox/s/a-Dupont.pdf", b"%PDF a", if_absent=True)  # probes the server too
    server.stop()
    for name, call in _calls(storage).items():
        started = time.monotonic()
        with pytest.raises(StorageError) as caught:
            call()
        assert time.monotonic() - started < DOWN_SECONDS, name
        assert not isinstance(caught.value, NotFound)
        assert "Dupont" not in str(caught.value) and SECRET_KEY not in str(caught.value), str(caught.value)
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
    server.start()  # same port, same objects
    assert storage.get_bytes("inbox/s/a-Dupont.pdf") == b"%PDF a"
    assert storage.put_bytes("inbox/s/a-Dupont.pdf", b"other", if_absent=True) is False
    for call in _calls(storage).values():
        call()
    assert storage.get_bytes("claims/c/a.pdf") == b"%PDF a"


@pytest.fixture
def black_hole():
    """A loopback port that accepts connections (the kernel's backlog) and never answers: a hung server."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"127.0.0.1:{listener.getsockname()[1]}"


def test_a_hung_server_times_out_as_a_storage_error(black_hole):
    started = time.monotonic()
    with pytest.raises(StorageError) as caught:
        S3Storage(black_hole, ACCESS_KEY, SECRET_KEY, "intake", secure=False, read_timeout=0.5, retries=1)
    assert time.monotonic() - started < 5
    assert "Timeout" in str(caught.value) and SECRET_KEY not in str(caught.value)


def test_nothing_listening_is_a_storage_error_at_once():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        endpoint = f"127.0.0.1:{probe.getsockname()[1]}"  # bound, not listening: connections refused
        started = time.monotonic()
        with pytest.raises(StorageError):
            S3Storage(endpoint, ACCESS_KEY, SECRET_KEY, "intake", secure=False, retries=2)
        assert time.monotonic() - started < 5


def test_an_endpoint_with_a_scheme_is_refused():
    with pytest.raises(ValueError):
        S3Storage("http://127.0.0.1:9000", ACCESS_KEY, SECRET_KEY, "intake", secure=False)
