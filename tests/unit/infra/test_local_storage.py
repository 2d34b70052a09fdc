"""LocalStorage: the storage contract, plus what only a folder shows (read-only files, no temporary
files left, atomic claim of a key across processes)."""

from __future__ import annotations

import multiprocessing
import os
import resource
import shutil
import signal
import stat
from contextlib import contextmanager
from pathlib import Path

import pytest

from infra.storage import InvalidKey, LocalStorage, StorageError
from infra.storage.local import TMP_PREFIX
from tests.storage_contract import StorageContract

PROCESSES = 6
KEYS = 20


@pytest.fixture
def storage(tmp_path):
    return LocalStorage(tmp_path / "intake-data")


class TestLocalStorageContract(StorageContract):
    pass


def _all_files(root):
    return sorted(str((Path(folder) / name).relative_to(root)) for folder, _, names in os.walk(root) for name in names)


def test_files_are_written_read_only_under_the_root(storage):
    storage.put_bytes("claims/c/originals/a.pdf", b"%PDF")
    path = storage.root / "claims" / "c" / "originals" / "a.pdf"
    assert path.read_bytes() == b"%PDF"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_no_temporary_file_is_left_nor_listed(storage):
    storage.put_bytes("a/b", b"1")
    storage.put_bytes("a/b", b"2")
    storage.put_bytes("a/b", b"3", if_absent=True)
    assert _all_files(storage.root) == ["a/b"]
    (storage.root / "a" / f"{TMP_PREFIX}crashed").write_bytes(b"half")  # a writer killed mid-write
    assert [o.key for o in storage.list()] == ["a/b"]
    with pytest.raises(InvalidKey):
        storage.get_bytes(f"a/{TMP_PREFIX}crashed")


def test_a_key_cannot_be_both_an_object_and_a_folder(storage):
    storage.put_bytes("a/b", b"1")
    with pytest.raises(InvalidKey):
        storage.put_bytes("a/b/c", b"2")
    with pytest.raises(InvalidKey):
        storage.put_bytes("a", b"2", if_absent=True)
    assert storage.get_bytes("a/b") == b"1"


@contextmanager
def file_size_limit(limit: int):
    """Writes past `limit` bytes fail with EFBIG (a full disk, as far as the writer can tell; works as root)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


def test_a_disk_error_is_a_storage_error_naming_no_path_and_leaving_no_file(storage):
    with file_size_limit(1000):
        for if_absent in (False, True):
            with pytest.raises(StorageError) as caught:
                storage.put_bytes("claims/c/originals/Jean-Dupont.pdf", b"x" * 5000, if_absent=if_absent)
            assert str(caught.value) == "local storage: put failed (EFBIG)"
    assert _all_files(storage.root) == []
    assert storage.put_bytes("claims/c/originals/Jean-Dupont.pdf", b"x" * 5000)


def test_a_vanished_root_folder_is_a_storage_error_not_a_missing_object(storage):
    storage.put_bytes("inbox/a.pdf", b"x")
    shutil.rmtree(storage.root)  # an unmounted or removed data folder
    calls = [lambda: storage.get_bytes("inbox/a.pdf"), lambda: storage.exists("inbox/a.pdf"),
             lambda: storage.list("inbox/"), lambda: storage.put_bytes("inbox/b.pdf", b"y")]
    for call in calls:
        with pytest.raises(StorageError):
            call()
    assert not storage.root.exists()


def test_describe_names_the_folder(storage):
    assert str(storage.root) in storage.describe()


def _claim_keys(root, barrier, results, token):
    storage = LocalStorage(root)
    won = []
    for n in range(KEYS):
        barrier.wait()
        if storage.put_bytes(f"locks/key-{n}", f"process {token}".encode(), if_absent=True):
            won.append(n)
    results.put((token, won))
    results.close()
    results.join_thread()
    os._exit(0)  # a forked child must not run the parent's exit handlers (Prefect, logging threads)


def test_processes_racing_if_absent_on_one_key_exactly_one_wins(tmp_path):
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [context.Process(target=_claim_keys, args=(tmp_path, barrier, results, token)) for token in range(PROCESSES)]
    for process in processes:
        process.start()
    wins = dict(results.get(timeout=30) for _ in processes)
    for process in processes:
        process.join(timeout=10)
        assert process.exitcode == 0
    storage = LocalStorage(tmp_path)
    for n in range(KEYS):
        winners = [token for token, won in wins.items() if n in won]
        assert len(winners) == 1, (n, winners)
        assert storage.get_bytes(f"locks/key-{n}") == f"process {winners[0]}".encode()
