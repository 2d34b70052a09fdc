"""Per-field exact-match accuracy on the SROIE receipts of ../shared/corpus/sroie-dev.

Usage: python bench/sroie.py [--corpus DIR] [--limit N] [--workers N]
Prints, per field (date, total, currency, doc type 'receipt' share): accuracy, wrong, missing, and
confidently wrong (confidence >= 0.8 and wrong). Skips with a message when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.pipeline import document_from_outcomes, read_page_outcome  # noqa: E402
from validators.upload import check_uploads  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "sroie-dev"
FIELDS = ("date", "total", "currency")
CONFIDENT = 0.8


def extract_one(path: Path):
    report = check_uploads([path])
    if not report.accepted:
        return None
    upload = report.accepted[0]
    outcomes = [read_page_outcome(upload, n) for n in range(1, upload.page_count + 1)]
    return document_from_outcomes(upload, outcomes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"SKIP: corpus not found at {args.corpus}")
        return 0
    images = sorted(args.corpus.glob("*.jpg"))
    if args.limit:
        images = images[: args.limit]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        documents = list(pool.map(extract_one, images))
    elapsed = time.monotonic() - started
    stats = {f: {"right": 0, "wrong": 0, "missing": 0, "confident_wrong": 0} for f in FIELDS}
    for image, doc in zip(images, documents):
        truth = json.loads(image.with_suffix(".json").read_text(encoding="utf-8"))
        for name in FIELDS:
            field = doc.fields.get(name) if doc else None
            if field is None:
                stats[name]["missing"] += 1
                outcome = "missing"
            elif field.value == truth[name]:
                stats[name]["right"] += 1
                outcome = "right"
            else:
                stats[name]["wrong"] += 1
                stats[name]["confident_wrong"] += field.confidence >= CONFIDENT
                outcome = "wrong"
            if args.show_errors and outcome != "right":
                got = f"{field.value} ({field.confidence:.2f}, {field.raw!r})" if field else "-"
                print(f"  {image.name} {name}: expected {truth[name]} got {got}")
    total = len(images)
    print(f"SROIE receipts: {total} in {elapsed:.1f} s ({elapsed / max(total, 1):.2f} s each, {args.workers} workers)")
    print(f"{'field':<10}{'accuracy':>10}{'wrong':>8}{'missing':>9}{'conf.wrong':>12}")
    for name, s in stats.items():
        print(f"{name:<10}{s['right'] / max(total, 1):>10.1%}{s['wrong']:>8}{s['missing']:>9}{s['confident_wrong']:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
