"""Two readers: the pipeline in each OCR mode on the real-document corpus, per mode and set: date /
total / currency accuracy (bench/accuracy.py's scoring: exact match after normalisation), pages read by
RapidOCR, CPU seconds per page (the process and its Tesseract children), wall time, peak RSS.

Usage: python bench/readers.py [--modes fast,accurate] [--sets 'sroie-dev,einvoice-dev scans'] [--limit N]
                               [--workers 2] [--show-errors] [--corpus ../shared/corpus]
Sets: sroie-dev (103 receipts, JPG) and einvoice-dev's scans (`*-scan.jpg`; its born-digital PDFs have
a text layer, no OCR). Each (mode, set) runs in a fresh process (INTAKE_OCR_MODE=mode), so CPU and
peak memory are its own, model loads included (Tesseract's per page, RapidOCR's and spaCy's once).
Mode `always` is a measuring aid, not a setting: accurate with every OCR'd page re-read by RapidOCR
(the second reader's trigger disabled). Skips a set whose folder does not exist.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

FIELDS = ("date", "total", "currency")
SETS = {"sroie-dev": "sroie-dev/*.jpg", "einvoice-dev scans": "einvoice-dev/*-scan.jpg"}
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def files_of(corpus: Path, pattern: str, limit: int) -> list[Path]:
    files = sorted(p for p in corpus.glob(pattern) if p.with_suffix(".json").exists())
    return files[:limit] if limit else files


def child(mode: str, files: list[Path], workers: int, show: bool) -> dict:
    """Run in the measured process: the pipeline on the files, scored."""
    from accuracy import extract_one, score

    from extractors import second_reader
    from infra.tools.ocr_settings import use_ocr_mode

    use_ocr_mode("accurate" if mode == "always" else mode)
    if mode == "always":
        second_reader.reasons_to_reread = lambda page: ["always"]  # type: ignore[assignment]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        docs = list(pool.map(extract_one, files))
    wall = time.monotonic() - started
    counts = score(files, docs, FIELDS, show)
    engines = Counter(str(p.engine) for d in docs for doc in d[:1] for p in doc.pages)
    return {
        "wall": wall,
        "pages": sum(len(d[0].pages) for d in docs if d),
        "engines": dict(engines),
        "fields": {name: [c["right"], c["total"], c["confident_wrong"]] for (group, name), c in counts.items() if group == "all"},
    }


def measure(mode: str, corpus: Path, pattern: str, args: argparse.Namespace) -> dict | None:
    """One (mode, set) in a fresh process; its result plus CPU seconds and peak RSS from wait4."""
    files = files_of(corpus, pattern, args.limit)
    if not files:
        return None
    command = [sys.executable, __file__, "--child", mode, "--workers", str(args.workers), *map(str, files)]
    if args.show_errors:
        command.append("--show-errors")
    env = {**os.environ, "INTAKE_OCR_MODE": "accurate" if mode == "always" else mode, "OMP_THREAD_LIMIT": "1"}
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{mode} on {pattern} failed ({process.returncode})")
    lines = out.strip().splitlines()
    if lines[:-1]:
        print("\n".join(lines[:-1]))
    result: dict = json.loads(lines[-1])
    result.update(
        files=len(files),
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mb=usage.ru_maxrss / 1024,
        process_wall=time.monotonic() - started,
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="fast,accurate")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sets", default=",".join(SETS), help="which sets, comma-separated")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.files, args.workers, args.show_errors)))
        return 0
    rows = []
    for name, pattern in SETS.items():
        if name not in args.sets.split(","):
            continue
        if not (args.corpus / pattern.split("/")[0]).is_dir():
            print(f"SKIP: no {name} under {args.corpus}")
            continue
        for mode in args.modes.split(","):
            result = measure(mode, args.corpus, pattern, args)
            if result:
                rows.append((name, mode, result))
    print(
        f"\n{'set':<20}{'mode':<10}{'files':>6}"
        + "".join(f"{f:>10}" for f in FIELDS)
        + f"{'rapidocr':>10}{'cpu s/page':>12}{'wall s':>8}{'peak RSS':>10}"
    )
    for name, mode, r in rows:
        accuracy = "".join(
            f"{r['fields'][f][0] / r['fields'][f][1]:>10.1%}" if f in r["fields"] else f"{'-':>10}" for f in FIELDS
        )
        reread = f"{r['engines'].get('rapidocr', 0)}/{r['pages']}"
        print(
            f"{name:<20}{mode:<10}{r['files']:>6}{accuracy}{reread:>10}{r['cpu'] / max(r['pages'], 1):>12.2f}"
            f"{r['process_wall']:>8.0f}{r['rss_mb']:>8.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
