"""The optional stage timer records nothing when off, and counts, wall and CPU per stage when on."""

from __future__ import annotations

import subprocess
import sys

from extractors import timing


def test_off_records_nothing() -> None:
    timing.enable(False)
    timing.reset()
    with timing.stage("clean"):
        pass
    assert timing.snapshot() == {}


def test_on_counts_and_includes_children_cpu() -> None:
    timing.enable()
    timing.reset()
    try:
        for _ in range(2):
            with timing.stage("busy"):
                sum(range(200_000))
        with timing.stage("child"):
            subprocess.run([sys.executable, "-c", "sum(range(3_000_000))"], check=True)
        spent = timing.snapshot()
    finally:
        timing.enable(False)
        timing.reset()
    assert spent["busy"].count == 2 and spent["busy"].cpu > 0 and spent["busy"].wall > 0
    assert spent["child"].count == 1 and spent["child"].cpu > 0.01  # the child's CPU, waited for
