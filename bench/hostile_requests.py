"""Hostile requests of several files, which the one-file hostile suite (tests/integration/test_hostile_files.py)
cannot show: files each within every bound whose reading, two pages at once, adds up.

Usage: python bench/hostile_requests.py [--baseline DIR]
Each request runs as a cold `intake extract` (accurate mode, one process per core's worth of pages) and
prints its wall time, the peak resident memory of the process tree (sampled every 50 ms) and the codes
it ends with. With --baseline DIR, the same requests on another checkout of the code (PYTHONPATH=DIR),
side by side. Requests:
  - two-rgba-79mp: two 79.9-megapixel RGBA PNGs (just under the 80 MP upload cap), read at once.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.throughput import PeakRss  # noqa: E402
from samples.generator.hostile import png_stream  # noqa: E402


def rgba_rows(width: int, height: int) -> Iterator[bytes]:
    """An RGBA page: white, opaque, with a few black bars (compresses ~1000:1, decodes to 4 bytes a pixel)."""
    white = b"\xff" * 4 * width
    bar = (
        b"\xff\xff\xff\xff" * (width // 10)
        + b"\x00\x00\x00\xff" * (width - 2 * (width // 10))
        + b"\xff\xff\xff\xff" * (width // 10)
    )
    for y in range(height):
        yield bar if (y // 50) % 40 == 1 else white


def two_rgba_79mp(folder: Path) -> list[Path]:
    return [png_stream(folder / f"photo-{i}.png", 8000, 9990, rgba_rows(8000, 9990), color_type=6) for i in (1, 2)]


REQUESTS: dict[str, Callable[[Path], list[Path]]] = {"two-rgba-79mp": two_rgba_79mp}


def run(files: list[Path], code_root: Path) -> tuple[float, float, list[str]]:
    """(wall s, peak MiB, codes) of a cold `intake extract` of `files` with the code at `code_root`."""
    env = {**os.environ, "PYTHONPATH": str(code_root), "OMP_THREAD_LIMIT": "1", "INTAKE_OCR_MODE": "accurate"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "extract", "--jsonl", *map(str, files)],
        env=env,
        cwd=code_root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    with PeakRss(process.pid) as peak:
        out, _ = process.communicate()
    codes = sorted(
        {flag["code"] for line in out.decode().splitlines() if line.startswith("{") for flag in json.loads(line).get("flags", [])}
    )
    return time.perf_counter() - started, peak.mib, codes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="another checkout of the code, measured side by side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-requests-") as scratch:
        print("| request | code | wall s | peak MiB | codes |\n|---|---|---|---|---|")
        for name, make in REQUESTS.items():
            folder = Path(scratch) / name
            folder.mkdir()
            files = make(folder)
            for label, root in (("baseline", args.baseline), ("this", ROOT)):
                if root is not None:
                    wall, peak, codes = run(files, root)
                    print(f"| {name} | {label} | {wall:.1f} | {peak:.0f} | {', '.join(codes) or '-'} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
