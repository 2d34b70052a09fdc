"""The behaviour every Storage must have, written once. A test class inherits `StorageContract` and
provides a `storage` fixture (tests/unit/infra/test_local_storage.py: a LocalStorage;
tests/integration/test_s3_storage.py: a LocalStorage and an S3Storage on a loopback S3 server)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from infra.storage import InvalidKey, NotFound, Storage, StorageError

UNSAFE_KEYS = ["", "/abs", "../x", "a/../../b", "a//b", "a/./b", "a/", "a\\b", "a\x00b", "a\nb", "a/..", "\ud800"]
RACERS = 8


def race_if_absent(storage, key: str, racers: int = RACERS) -> list[int]:
    """`racers` threads put distinct bytes under one key with if_absent at the same instant: the winners."""
    barrier, winners, errors = threading.Barrier(racers), [], []

    def racer(i: int) -> None:
        barrier.wait()
        try:
            if storage.put_bytes(key, f"racer {i}".encode() * 500, if_absent=True):
                winners.append(i)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    return winners


class StorageContract:
    """Inherit, and provide a `storage` fixture."""

    def test_bytes_come_back_as_written(self, storage):
        for key, data in [
            ("a.bin", bytes(range(256)) * 40),
            ("inbox/extranet/s1/empty.pdf", b""),
            ("claims/CLM-1/originals/ordonnance-é.pdf", "é".encode()),
        ]:
            assert storage.put_bytes(key, data, content_type="application/pdf") is True
            assert storage.get_bytes(key) == data
            assert storage.exists(key)

    def test_a_missing_key_is_not_found_and_not_a_storage_error(self, storage):
        with pytest.raises(NotFound) as caught:
            storage.get_bytes("nothing/here.pdf")
        assert not isinstance(caught.value, StorageError)
        assert "nothing" not in str(caught.value)  # messages never carry the key
        assert not storage.exists("nothing/here.pdf")

    def test_a_folder_is_not_an_object(self, storage):
        storage.put_bytes("inbox/extranet/s1/a.pdf", b"x")
        assert not storage.exists("inbox/extranet/s1")
        assert not storage.exists("inbox")
        with pytest.raises(NotFound):
            storage.get_bytes("inbox/extranet")

    def test_a_plain_put_replaces(self, storage):
        storage.put_bytes("claims/c/claim.json", b"v1")
        assert storage.put_bytes("claims/c/claim.json", b"v2") is True
        assert storage.get_bytes("claims/c/claim.json") == b"v2"

    def test_if_absent_never_overwrites_other_bytes(self, storage):
        assert storage.put_bytes("locks/s1", b"worker-1 token-a", if_absent=True) is True
        assert storage.put_bytes("locks/s1", b"worker-2 token-b", if_absent=True) is False
        assert storage.get_bytes("locks/s1") == b"worker-1 token-a"

    def test_if_absent_is_safe_to_retry_with_the_same_bytes(self, storage):
        assert storage.put_bytes("claims/c/originals/a.pdf", b"%PDF same", if_absent=True) is True
        assert storage.put_bytes("claims/c/originals/a.pdf", b"%PDF same", if_absent=True) is True
        assert storage.get_bytes("claims/c/originals/a.pdf") == b"%PDF same"

    def test_racing_if_absent_writers_exactly_one_wins(self, storage):
        for round_ in range(5):
            key = f"locks/race-{round_}"
            winners = race_if_absent(storage, key)
            assert len(winners) == 1, winners
            assert storage.get_bytes(key) == f"racer {winners[0]}".encode() * 500

    def test_list_is_by_string_prefix_sorted_with_sizes_and_dates(self, storage):
        keys = ["inbox/a.txt", "inbox/ab/x.pdf", "inbox/b/y.pdf", "inboxes/z", "claims/c/claim.json"]
        for key in reversed(keys):
            storage.put_bytes(key, key.encode())
        listed = storage.list("inbox/")
        assert [o.key for o in listed] == ["inbox/a.txt", "inbox/ab/x.pdf", "inbox/b/y.pdf"]
        assert [o.key for o in storage.list("inbox/a")] == ["inbox/a.txt", "inbox/ab/x.pdf"]
        assert [o.key for o in storage.list("inbox")] == ["inbox/a.txt", "inbox/ab/x.pdf", "inbox/b/y.pdf", "inboxes/z"]
        assert [o.key for o in storage.list()] == sorted(keys)
        assert storage.list("nothing/") == [] and storage.list("inbox/a.txt/") == []
        now = datetime.now(UTC)
        for info in listed:
            assert info.size == len(info.key.encode())
            assert info.last_modified.tzinfo is not None
            assert abs(info.last_modified - now) < timedelta(minutes=2)
            assert info.etag

    def test_list_level_gives_one_level_folders_and_objects(self, storage):
        for key in ("inbox/a.txt", "inbox/2026-12-05T13/email/m.eml", "inbox/2026-12-05T14/x", "inbox/email/n.eml", "inboxes/z"):
            storage.put_bytes(key, b"x")
        folders, objects = storage.list_level("inbox/")
        assert folders == ["2026-12-05T13", "2026-12-05T14", "email"]
        assert [o.key for o in objects] == ["inbox/a.txt"] and objects[0].size == 1 and objects[0].etag
        assert storage.list_level("inbox/2026-12-05T13/") == (["email"], [])
        assert storage.list_level("nothing/") == ([], [])
        assert "inbox" in storage.list_level("")[0]
        with pytest.raises(InvalidKey):
            storage.list_level("inbox")  # a level is under a folder

    def test_list_gives_unicode_keys_as_written(self, storage):
        storage.put_bytes("inbox/email/reçu (1).pdf", b"x")
        assert [o.key for o in storage.list("inbox/email/")] == ["inbox/email/reçu (1).pdf"]

    def test_the_etag_is_stable_and_changes_with_other_bytes(self, storage):
        storage.put_bytes("k/a", b"one")
        first = storage.list("k/")[0].etag
        assert storage.list("k/")[0].etag == first
        storage.put_bytes("k/a", b"two, longer")
        assert storage.list("k/")[0].etag != first

    def test_copy(self, storage):
        storage.put_bytes("inbox/s/a.pdf", b"%PDF-1.7 abc")
        storage.copy("inbox/s/a.pdf", "claims/c/originals/a.pdf")
        assert storage.get_bytes("claims/c/originals/a.pdf") == b"%PDF-1.7 abc"
        assert storage.get_bytes("inbox/s/a.pdf") == b"%PDF-1.7 abc"
        with pytest.raises(NotFound):
            storage.copy("inbox/s/missing.pdf", "claims/c/originals/b.pdf")
        assert not storage.exists("claims/c/originals/b.pdf")

    def test_delete_removes_a_marker_and_ignores_a_missing_one(self, storage):
        storage.put_bytes("locks/s1", b"token")
        storage.delete("locks/s1")
        assert not storage.exists("locks/s1")
        assert storage.list("locks/") == []
        storage.delete("locks/s1")

    @pytest.mark.parametrize("key", UNSAFE_KEYS)
    def test_unsafe_keys_are_refused_by_every_operation(self, storage, key):
        calls = [
            lambda: storage.put_bytes(key, b"x"),
            lambda: storage.put_bytes(key, b"x", if_absent=True),
            lambda: storage.get_bytes(key),
            lambda: storage.exists(key),
            lambda: storage.delete(key),
            lambda: storage.copy(key, "ok"),
            lambda: storage.copy("ok", key),
        ]
        storage.put_bytes("ok", b"x")
        for call in calls:
            with pytest.raises(InvalidKey):
                call()
        assert [o.key for o in storage.list()] == ["ok"]

    @pytest.mark.parametrize("prefix", ["../", "/abs", "a/../", "a//"])
    def test_unsafe_prefixes_are_refused(self, storage, prefix):
        with pytest.raises(InvalidKey):
            storage.list(prefix)

    def test_it_is_a_storage_that_says_where_it_is(self, storage):
        assert isinstance(storage, Storage)
        assert storage.describe()
        assert repr(storage)
