"""Issuer (company name) accuracy on the SROIE receipts of ../shared/corpus/sroie-dev.

Usage: python bench/issuer_sroie.py [--corpus DIR] [--cache DIR] [--workers N] [--show-errors]
OCRs each receipt with the project's pipeline (pages cached as OcrPage JSON in --cache, default
/tmp/sroie_ocr_cache, so reruns only time the rules), runs `extract_parties`, and prints the exact
match rate of `issuer` against the `company` key (both upper-cased, white space collapsed) and the
share with a difflib ratio >= 0.9. Skips with a message when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from difflib import SequenceMatcher
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.layout import document_lines
from models import OcrPage

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "sroie-dev"
DEFAULT_CACHE = Path("/tmp/sroie_ocr_cache")
FUZZY = 0.9


def ocr_pages(image: Path, cache: Path) -> list[OcrPage]:
    """The receipt's OCR'd pages, from the cache when present."""
    cached = cache / f"{image.stem}.json"
    if cached.exists():
        stored = json.loads(cached.read_text(encoding="utf-8"))
        return [OcrPage.model_validate_json(p) if isinstance(p, str) else OcrPage.model_validate(p) for p in stored]
    from intake.pipeline import read_page_outcome
    from validators.upload import check_uploads

    report = check_uploads([image])
    if not report.accepted:
        return []
    upload = report.accepted[0]
    pages = [read_page_outcome(upload, n).page for n in range(1, upload.page_count + 1)]
    pages = [p for p in pages if p]
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps([json.loads(p.model_dump_json()) for p in pages]), encoding="utf-8")
    return pages


def normalise(text: str) -> str:
    return " ".join(text.upper().split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ocr-only", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"SKIP: corpus not found at {args.corpus}")
        return 0
    images = sorted(args.corpus.glob("*.jpg"))
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        all_pages = list(pool.map(lambda image: ocr_pages(image, args.cache), images))
    ocr_time = time.monotonic() - started
    if args.ocr_only:
        print(f"OCR of {len(images)} receipts in {ocr_time:.1f} s")
        return 0
    from extractors.fields.parties import extract_parties

    exact = fuzzy = missing = 0
    started = time.monotonic()
    for image, pages in zip(images, all_pages, strict=True):
        truth = normalise(json.loads(image.with_suffix(".json").read_text(encoding="utf-8"))["company"])
        field = extract_parties(document_lines(pages), "receipt").get("issuer")
        got = normalise(field.value) if field else ""
        ratio = SequenceMatcher(None, got, truth).ratio()
        exact += got == truth
        fuzzy += ratio >= FUZZY
        missing += field is None
        if args.show_errors and got != truth:
            rule = f"{field.rule} {field.confidence:.2f}" if field else "-"
            print(f"  {image.name}: {ratio:.2f} expected {truth!r} got {got!r} [{rule}]")
    rules_time = time.monotonic() - started
    total = max(1, len(images))
    print(f"SROIE issuer: {len(images)} receipts (OCR/cache {ocr_time:.1f} s, rules {rules_time:.2f} s)")
    print(f"exact {exact / total:.1%} ({exact}), fuzzy>={FUZZY} {fuzzy / total:.1%} ({fuzzy}), missing {missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
