"""Claim numbers: derived per submission, reserved atomically, never shared (issue 22 #1)."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime

from infra.storage.base import NotFound, ObjectInfo
from infra.storage.local import LocalStorage
from intake import claim_ids
from intake.claim_ids import claim_id_for, derived_candidates, new_claim_id, reservation_key
from intake.inbox import Submission, take
from models.manifest import CLAIM_ID

DAY = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


class MemoryStorage:
    """Just what the reservation uses, in memory, atomic like the real backends (one lock)."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None, if_absent: bool = False) -> bool:
        with self.lock:
            if if_absent and key in self.objects:
                return False
            self.objects[key] = data
            return True

    def get_bytes(self, key: str) -> bytes:
        try:
            return self.objects[key]
        except KeyError:
            raise NotFound(key) from None

    def exists(self, key: str) -> bool:
        return key in self.objects


def test_the_two_keys_the_issue_found_colliding_get_two_numbers(tmp_path):
    first, second = "extranet/upload-005174", "extranet/upload-040394"
    assert next(derived_candidates(first, DAY)) == next(derived_candidates(second, DAY)) == "CLM-20261205-QET5TV"
    storage = LocalStorage(tmp_path)
    a, b = claim_id_for(storage, first, DAY), claim_id_for(storage, second, DAY)
    assert a == "CLM-20261205-QET5TV" and b != a and CLAIM_ID.fullmatch(b)
    assert claim_id_for(storage, second, DAY) == b and claim_id_for(storage, first, DAY) == a  # the same on every call


def test_two_submissions_taken_the_same_day_never_share_a_claim(tmp_path):
    storage = LocalStorage(tmp_path)
    submissions = [
        Submission("extranet", name, (ObjectInfo(f"inbox/extranet/{name}/a.pdf", 1, DAY, "e"),))
        for name in ("upload-005174", "upload-040394")
    ]
    markers = [take(storage, s, DAY) for s in submissions]
    assert all(markers) and markers[0].claim_id != markers[1].claim_id  # type: ignore[union-attr]


def test_a_claim_of_an_earlier_release_keeps_its_number(tmp_path):
    storage = LocalStorage(tmp_path)
    legacy = next(derived_candidates("extranet/old", DAY))
    storage.put_bytes(f"claims/{legacy}/claim.json", b"{}")  # written before reservations existed
    assert claim_id_for(storage, "extranet/old", DAY) != legacy  # no submission may take a number that has a claim


def test_ten_thousand_submission_keys_and_names_never_share_a_number():
    storage = MemoryStorage()
    rng = random.Random(22)
    alphabet = "abcdefghijklmnopqrstuvwxyzé€- _.\\/\udce9\U0001f600"
    keys = {
        f"{rng.choice(('extranet', 'email', 'unexpected'))}/{''.join(rng.choices(alphabet, k=rng.randint(1, 40)))}-{i}"
        for i in range(10_000)
    }
    numbers = [claim_id_for(storage, key, DAY) for key in keys]
    assert len(set(numbers)) == len(keys) and all(CLAIM_ID.fullmatch(n) for n in numbers)
    assert [claim_id_for(storage, key, DAY) for key in keys] == numbers  # stable: a takeover finds its own


def test_collisions_are_resolved_atomically_even_in_a_tiny_number_space(monkeypatch):
    """With 64 possible numbers a day, 50 submissions (and 8 threads racing on the same keys) still get
    50 different numbers, each submission always the same one."""
    monkeypatch.setattr(
        claim_ids, "_suffix", lambda number: claim_ids.CROCKFORD[number % 32] + claim_ids.CROCKFORD[(number >> 5) % 2] + "0000"
    )
    storage = MemoryStorage()
    keys = [f"extranet/s{i}" for i in range(50)]
    results: list[dict[str, str]] = []

    def worker() -> None:
        results.append({key: claim_id_for(storage, key, DAY) for key in random.sample(keys, len(keys))})

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r == results[0] for r in results) and len(set(results[0].values())) == len(keys)


def test_random_numbers_are_reserved_too(tmp_path):
    storage = LocalStorage(tmp_path)
    numbers = {new_claim_id(storage, DAY) for _ in range(200)}
    assert len(numbers) == 200 and all(storage.exists(reservation_key(n)) for n in numbers)
