"""The memory gate: steps that would together pass the bound wait their turn; one alone never waits."""

from __future__ import annotations

import threading
import time

from infra.tools.memory_gate import MemoryGate, picture_bytes


def test_a_second_large_decoding_waits_for_the_first():
    gate, order = MemoryGate(limit=100), []
    first_in, release = threading.Event(), threading.Event()

    def first() -> None:
        with gate.holding(80):
            order.append("first in")
            first_in.set()
            release.wait(5)
            order.append("first out")

    def second() -> None:
        first_in.wait(5)
        with gate.holding(80):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_in.wait(5)
    time.sleep(0.2)
    assert order == ["first in"] and gate.in_use == 80  # the second is waiting
    release.set()
    for thread in threads:
        thread.join(5)
    assert order == ["first in", "first out", "second in"] and gate.in_use == 0


def test_small_decodings_share_and_one_alone_may_pass_the_bound():
    gate = MemoryGate(limit=100)
    with gate.holding(40), gate.holding(40):
        assert gate.in_use == 80
    with gate.holding(500):  # alone: let through (the upload and page caps bound it)
        assert gate.in_use == 500
    assert gate.in_use == 0


def test_a_79_megapixel_rgba_picture_is_counted_at_its_peak():
    assert picture_bytes(10_000, 7_990, 4) == 10_000 * 7_990 * 5  # 400 MB: two at once would pass the bound
