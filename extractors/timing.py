"""Optional per-stage timing for the benchmarks (bench/throughput.py): off unless `enable()` is called
or INTAKE_STAGE_TIMING=1; when off, `stage(name)` costs one boolean test.

Each stage accumulates wall seconds, CPU seconds and a count. CPU is the process's (`time.process_time`,
all threads) plus its waited-for children's (Tesseract runs as a child process): exact when pages are
read one at a time, shared between stages running at the same time otherwise.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_enabled = os.environ.get("INTAKE_STAGE_TIMING") == "1"
_lock = threading.Lock()


@dataclass
class StageTime:
    """What one stage has cost so far."""

    count: int = 0
    wall: float = 0.0
    cpu: float = 0.0


_stages: dict[str, StageTime] = {}


def enable(on: bool = True) -> None:
    """Start (or stop) recording; recorded times are kept until `reset`."""
    global _enabled
    _enabled = on


def reset() -> None:
    with _lock:
        _stages.clear()


def snapshot() -> dict[str, StageTime]:
    """A copy of what each stage has cost since the last `reset`."""
    with _lock:
        return {name: StageTime(t.count, t.wall, t.cpu) for name, t in _stages.items()}


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the enclosed block under `name` (nothing when timing is off)."""
    if not _enabled:
        yield
        return
    wall, cpu = time.perf_counter(), _cpu()
    try:
        yield
    finally:
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        with _lock:
            spent = _stages.setdefault(name, StageTime())
            spent.count += 1
            spent.wall += wall
            spent.cpu += cpu
