"""Any folder of odd real files through the pipeline, one process per file, as the hostile suite runs
its generated cases: the time, the peak resident memory of the process tree, and the outcome of each.

Usage: python bench/odd_files.py FOLDER [--baseline DIR] [--pattern '*.pdf']
A peer's suite of odd real files is the usual input: OCRmyPDF's `tests/resources/` (51 PDFs and
images: JBIG2 office scans, posters, CCITT, masks, forms...), from a snapshot of its repository (not
shipped here). Accurate OCR mode (the default). With --baseline DIR, the same files on another checkout
of the code (PYTHONPATH=DIR), side by side. Prints a Markdown table and, last, the slowest and the
largest file and the number over the hostile suite's bounds (90 s, 1 GiB).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.throughput import PeakRss  # noqa: E402

RUNNER = ROOT / "tests" / "integration" / "hostile_case.py"
ACCEPTED = {".pdf", ".png", ".jpg", ".jpeg"}
MAX_SECONDS, MAX_MIB = 90, 1024


def run(path: Path, code_root: Path) -> tuple[float, float, str]:
    """(wall s, peak MiB, outcome) of one file in its own process with the code at `code_root`."""
    env = {**os.environ, "PYTHONPATH": str(code_root), "OMP_THREAD_LIMIT": "1"}
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, str(RUNNER), str(path)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    with PeakRss(child.pid) as peak:
        out = child.communicate()[0].decode()
    said = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"error": "no answer"}
    if "error" in said:
        shown = "ERROR " + said["error"].strip().splitlines()[-1][:100]
    else:
        shown = "; ".join(
            f"{r['kind']} {','.join(r['codes']) or '-'}" + (f" ({','.join(r['causes'])})" if r.get("causes") else "")
            for r in said["results"]
        )
    return time.monotonic() - started, peak.mib, shown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--pattern", default="*")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.glob(args.pattern) if p.suffix.lower() in ACCEPTED)
    codes = [("baseline", args.baseline)] if args.baseline else []
    codes.append(("this", ROOT))
    print("| file | code | wall s | peak MiB | outcome |\n|---|---|---|---|---|")
    worst: dict[str, list[tuple[float, float, str]]] = {label: [] for label, _ in codes}
    for path in files:
        for label, root in codes:
            wall, peak, shown = run(path, root)
            worst[label].append((wall, peak, path.name))
            print(f"| {path.name} | {label} | {wall:.1f} | {peak:.0f} | {shown} |", flush=True)
    for label, rows in worst.items():
        slow, big = max(rows), max(rows, key=lambda r: r[1])
        over = sum(wall > MAX_SECONDS or peak > MAX_MIB for wall, peak, _ in rows)
        print(
            f"\n{label}: {len(rows)} files, slowest {slow[2]} {slow[0]:.1f} s, largest {big[2]} {big[1]:.0f} MiB, {over} over 90 s or 1 GiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
