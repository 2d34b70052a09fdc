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
from infra.storage.local import TMP_PREFIX, LinkRefused
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
    calls = [
        lambda: storage.get_bytes("inbox/a.pdf"),
        lambda: storage.exists("inbox/a.pdf"),
        lambda: storage.list("inbox/"),
        lambda: storage.put_bytes("inbox/b.pdf", b"y"),
    ]
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


# --- symbolic links below the root: listed as received, never followed -------------------------------


@pytest.fixture
def outside(tmp_path):
    """A folder beside the root, holding what a planted link would reach."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.pdf").write_bytes(b"%PDF outside the root")
    return folder


def _refused(call):
    with pytest.raises(LinkRefused) as caught:
        call()
    assert isinstance(caught.value, InvalidKey) and caught.value.code == "link_refused"
    return str(caught.value)


def test_a_file_link_leaving_the_root_is_listed_but_never_read(storage, outside):
    storage.put_bytes("inbox/extranet/s1/facture.pdf", b"%PDF inside")
    link = storage.root / "inbox" / "extranet" / "s1" / "releve.pdf"
    link.symlink_to(outside / "secret.pdf")
    listed = {o.key: o for o in storage.list("inbox/")}
    assert sorted(listed) == ["inbox/extranet/s1/facture.pdf", "inbox/extranet/s1/releve.pdf"]  # accounted for
    assert listed["inbox/extranet/s1/releve.pdf"].size == link.lstat().st_size  # the link's own, not the target's
    key = "inbox/extranet/s1/releve.pdf"
    for call in (
        lambda: storage.get_bytes(key),
        lambda: storage.exists(key),
        lambda: storage.delete(key),
        lambda: storage.copy(key, "claims/c/originals/releve.pdf"),
        lambda: storage.put_bytes(key, b"x"),
        lambda: storage.put_bytes(key, b"x", if_absent=True),
    ):
        message = _refused(call)
        assert "releve" not in message and str(outside) not in message  # no key, no path
    assert not storage.exists("claims/c/originals/releve.pdf")
    assert link.is_symlink() and (outside / "secret.pdf").read_bytes() == b"%PDF outside the root"


def test_a_folder_link_leaving_the_root_is_listed_by_itself_and_never_entered(storage, outside):
    (storage.root / "inbox" / "extranet").mkdir(parents=True)
    (storage.root / "inbox" / "extranet" / "sym").symlink_to(outside, target_is_directory=True)
    assert [o.key for o in storage.list("inbox/")] == ["inbox/extranet/sym"]  # not sym/secret.pdf
    assert [o.key for o in storage.list("inbox/extranet/sym")] == ["inbox/extranet/sym"]
    assert storage.list("inbox/extranet/sym/") == []
    for key in ("inbox/extranet/sym", "inbox/extranet/sym/secret.pdf"):
        _refused(lambda key=key: storage.get_bytes(key))
        _refused(lambda key=key: storage.exists(key))
        _refused(lambda key=key: storage.delete(key))
    _refused(lambda: storage.put_bytes("inbox/extranet/sym/new.pdf", b"x"))
    _refused(lambda: storage.put_bytes("inbox/extranet/sym/deeper/new.pdf", b"x", if_absent=True))
    assert sorted(p.name for p in outside.iterdir()) == ["secret.pdf"]  # nothing written, nothing removed


def test_a_link_above_the_key_is_refused_at_any_depth(storage, outside):
    (storage.root / "claims").symlink_to(outside, target_is_directory=True)
    (outside / "c" / "originals").mkdir(parents=True)
    (outside / "c" / "originals" / "a.pdf").write_bytes(b"%PDF")
    _refused(lambda: storage.get_bytes("claims/c/originals/a.pdf"))
    _refused(lambda: storage.put_bytes("claims/c/originals/b.pdf", b"x"))
    assert storage.list("claims/") == [] and [o.key for o in storage.list()] == ["claims"]
    assert sorted(p.name for p in (outside / "c" / "originals").iterdir()) == ["a.pdf"]


def test_links_that_stay_inside_the_root_are_refused_too(storage):
    storage.put_bytes("inbox/extranet/s1/a.pdf", b"%PDF a")
    s2 = storage.root / "inbox" / "extranet" / "s2"
    s2.mkdir()
    (s2 / "copy.pdf").symlink_to("../s1/a.pdf")
    (s2 / "folder").symlink_to("../s1", target_is_directory=True)
    (s2 / "dangling.pdf").symlink_to("../nothing.pdf")
    assert [o.key for o in storage.list("inbox/extranet/s2/")] == [
        "inbox/extranet/s2/copy.pdf",
        "inbox/extranet/s2/dangling.pdf",
        "inbox/extranet/s2/folder",
    ]
    for key in ("inbox/extranet/s2/copy.pdf", "inbox/extranet/s2/folder/a.pdf", "inbox/extranet/s2/dangling.pdf"):
        _refused(lambda key=key: storage.get_bytes(key))
    assert storage.get_bytes("inbox/extranet/s1/a.pdf") == b"%PDF a"


def test_a_fifo_is_listed_and_refused_without_blocking(storage):
    (storage.root / "inbox" / "email").mkdir(parents=True)
    os.mkfifo(storage.root / "inbox" / "email" / "pipe.eml")
    assert [o.key for o in storage.list("inbox/")] == ["inbox/email/pipe.eml"]
    assert "special file" in _refused(lambda: storage.get_bytes("inbox/email/pipe.eml"))


def test_the_root_itself_may_be_a_link(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "root").symlink_to(tmp_path / "data", target_is_directory=True)
    storage = LocalStorage(tmp_path / "root")
    storage.put_bytes("inbox/a.pdf", b"x")
    assert storage.get_bytes("inbox/a.pdf") == b"x" and (tmp_path / "data" / "inbox" / "a.pdf").is_file()
    assert [o.key for o in storage.list()] == ["inbox/a.pdf"]
