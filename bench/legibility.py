"""Legibility calibration: score distributions of readable and unreadable pages, and the threshold.

Usage: python bench/legibility.py [--seed 4242] [--count 80] [--unreadable 48] [--workers N] [--dump FILE]

Builds in a temporary folder:
  - readable pages: `--count` generated documents (the generator's balanced plan: every kind, format and
    variant - clean, skew, blur, noise, low_contrast, rot90, rot180, landscape, multipage, photo), grouped
    as `clean` (variant clean) and `degraded` (the others). The pipeline reads them all correctly
    (see the README's accuracy figures), so every one of them must stay legible.
  - unreadable pages: `--unreadable` first pages of generated documents (their text-layer twin
    rasterised at the generator's 200 dpi), made deliberately unreadable, cycling through: very strong
    blur (Gaussian sigma 6-10), very low contrast (ink 3-5 grey levels from the paper, JPEG q45-55), tiny
    downscale then upscale (10-15 %), heavy JPEG of a thumbnail (30-35 % size, quality 3-6).
Each page is read with `intake.pipeline.read_page_outcome`, as the pipeline reads it, and scored on its
recall of its true words (words of 3+ characters of the document's text-layer twin, read back exactly):
a generator page is "read correctly" when it gives back at least MIN_RECALL of them. Prints per group
the score distribution, then the threshold (midpoint between the lowest score of a generator page read
correctly and the highest unreadable score below it) with false positives (correctly read pages
flagged) and false negatives (unreadable pages let through), the generator pages the pipeline failed
to read (apart: a reading failure, not a legibility one), and the CPU cost per page of the legibility
measures and of the perceptual hash.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
import pikepdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from extractors import page_reader
from extractors.pages import text_layer_page
from intake.pipeline import read_page_outcome, worker_count
from samples.generator import degrade, render
from samples.generator.corpus import DPI, SUFFIX, doc_seed, generate, plan
from validators.legibility import ILLEGIBLE_BELOW, main_cause
from validators.upload import check_uploads

MEASURES = ("blur", "contrast", "text_density", "ocr_confidence")
MIN_RECALL = 0.5  # share of its true words a page must give back to count as read
GENERATOR = threading.Lock()  # reportlab is not known to be thread-safe: one document drawn at a time
UNREADABLE_KINDS = ("strong_blur", "faded", "tiny", "heavy_jpeg")
TWIN_VARIANT = {"landscape": "landscape", "multipage": "multipage"}  # else the clean text PDF


@dataclass
class Row:
    """One page read: its group, how it was made, its measures, score and recall of its true words."""

    group: str  # clean / degraded / unreadable
    kind: str
    variant: str
    fmt: str
    page: int
    score: float | None
    cause: str | None
    blur: float | None
    contrast: float | None
    text_density: float | None
    ocr_confidence: float | None
    recall: float
    seconds: float
    quality_ms: float  # CPU time of the legibility measures
    hash_ms: float  # CPU time of the perceptual hash


class Timer:
    """The CPU time of the calling thread spent in a wrapped function (what it adds to a page, whatever
    the other threads are doing), kept per thread until `take` reads it."""

    def __init__(self) -> None:
        self.local = threading.local()

    def wrap(self, function: Callable) -> Callable:
        def timed(*args, **kwargs):
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.local.seconds = getattr(self.local, "seconds", 0.0) + time.thread_time() - started

        return timed

    def take(self) -> float:
        """Milliseconds spent by this thread since the last call."""
        seconds, self.local.seconds = getattr(self.local, "seconds", 0.0), 0.0
        return round(seconds * 1000, 2)


QUALITY_TIMER, HASH_TIMER = Timer(), Timer()


def tokens(words) -> set[str]:
    """Comparable words of 3+ characters."""
    return {t for t in (re.sub(r"\W", "", w.text.lower()) for w in words) if len(t) >= 3}


def twin_words(kind: str, variant: str, seed: int, folder: Path) -> tuple[list[set[str]], Path]:
    """The true words of each page (the same document generated as a text PDF, read back exactly), and that PDF."""
    pdf = folder / f"twin-{seed}.pdf"
    with GENERATOR:
        generate(kind, "pdf_text", TWIN_VARIANT.get(variant, "clean"), seed, pdf)
    with pikepdf.open(pdf) as opened:
        count = len(opened.pages)
    return [tokens(text_layer_page(str(pdf), n).words) for n in range(1, count + 1)], pdf


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    return cv2.imdecode(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], cv2.IMREAD_GRAYSCALE)


def resized(image: np.ndarray, factor: float, interpolation: int = cv2.INTER_AREA) -> np.ndarray:
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=interpolation)


def make_unreadable(image: np.ndarray, how: str, rng: random.Random) -> np.ndarray:
    """A 200 dpi page degraded beyond reading (written as JPEG quality 85 afterwards)."""
    size = (image.shape[1], image.shape[0])
    if how == "strong_blur":
        return degrade.blur(image, rng.uniform(6, 10))
    if how == "faded":
        paper = rng.randint(215, 235)
        return jpeg(degrade.low_contrast(image, paper - rng.randint(3, 5), paper), rng.randint(45, 55))
    if how == "tiny":
        return cv2.resize(resized(image, rng.uniform(0.10, 0.15)), size, interpolation=cv2.INTER_LINEAR)
    return cv2.resize(jpeg(resized(image, rng.uniform(0.30, 0.35)), rng.randint(3, 6)), size, interpolation=cv2.INTER_LINEAR)


def read_file(path: Path, truth: list[set[str]], group: str, kind: str, variant: str, fmt: str) -> list[Row]:
    """Every page of a file through the pipeline's page reader."""
    upload = check_uploads([path]).accepted[0]
    rows = []
    for page_no in range(1, upload.page_count + 1):
        QUALITY_TIMER.take(), HASH_TIMER.take()
        started = time.perf_counter()
        outcome = read_page_outcome(upload, page_no)
        seconds = time.perf_counter() - started
        page, true = outcome.page, truth[page_no - 1] if page_no <= len(truth) else set()
        recall = len(tokens(page.words) & true) / len(true) if page and true else 0.0
        quality = page.quality if page else None
        measures = quality.model_dump(exclude={"score"}) if quality else dict.fromkeys(MEASURES)
        costs = {"quality_ms": QUALITY_TIMER.take(), "hash_ms": HASH_TIMER.take()}
        rows.append(
            Row(
                group,
                kind,
                variant,
                fmt,
                page_no,
                quality.score if quality else None,
                main_cause(quality) if quality else None,
                **measures,
                recall=round(recall, 3),
                seconds=round(seconds, 2),
                **costs,
            )
        )
    return rows


def readable_job(index: int, kind: str, fmt: str, variant: str, seed: int, folder: Path) -> list[Row]:
    ident = doc_seed(seed, index)
    path = folder / f"doc-{index:04d}{SUFFIX[fmt]}"
    with GENERATOR:
        generate(kind, fmt, variant, ident, path)
    truth, _ = twin_words(kind, variant, ident, folder)
    return read_file(path, truth, "clean" if variant == "clean" else "degraded", kind, variant, fmt)


def unreadable_job(index: int, kind: str, seed: int, folder: Path) -> list[Row]:
    ident = doc_seed(seed + 1, index)
    truth, pdf = twin_words(kind, "clean", ident, folder)
    how = UNREADABLE_KINDS[index % len(UNREADABLE_KINDS)]
    image = make_unreadable(render.rasterise(pdf, DPI)[0], how, random.Random(ident))
    path = folder / f"bad-{index:04d}.jpg"
    cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return read_file(path, truth[:1], "unreadable", kind, how, "jpg")


def choose_threshold(readable: list[float], unreadable: list[float]) -> float:
    """Midpoint between the lowest readable score and the highest unreadable score below it
    (every readable page stays legible); 2 decimals."""
    floor = min(readable)
    below = [s for s in unreadable if s < floor]
    return round((floor + max(below)) / 2, 2) if below else round(floor, 2)


def describe(scores: list[float]) -> str:
    if not scores:
        return "-"
    ordered = sorted(scores)
    p10 = ordered[int(0.1 * (len(ordered) - 1))]
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    median = statistics.median(ordered)
    return f"n={len(scores):<3} min {ordered[0]:.2f}  p10 {p10:.2f}  median {median:.2f}  p90 {p90:.2f}  max {ordered[-1]:.2f}"


def readable_and_not(rows: list[Row]) -> tuple[list[Row], list[Row], list[Row]]:
    """(generator pages read correctly, generator pages the pipeline failed to read, unreadable pages).

    "Read correctly" is recall >= MIN_RECALL: a generator page below it is a reading failure of the
    pipeline (reported apart), not a page the threshold must keep legible."""
    generated = [r for r in rows if r.group != "unreadable" and r.score is not None]
    read = [r for r in generated if r.recall >= MIN_RECALL]
    missed = [r for r in generated if r.recall < MIN_RECALL]
    return read, missed, [r for r in rows if r.group == "unreadable" and r.score is not None]


def report(rows: list[Row], elapsed: float) -> None:
    print(f"\n{len(rows)} pages in {elapsed:.0f} s")
    print("score per group:")
    for group in ("clean", "degraded", "unreadable"):
        mine = [r for r in rows if r.group == group and r.score is not None]
        recall = statistics.median([r.recall for r in mine]) if mine else 0.0
        print(f"  {group:<11}{describe([r.score for r in mine])}   (median recall of true words {recall:.2f})")
    print("score per variant:")
    for variant in sorted({r.variant for r in rows}):
        mine = [r for r in rows if r.variant == variant and r.score is not None]
        print(f"  {variant:<13}{describe([r.score for r in mine])}   recall min {min(r.recall for r in mine):.2f}")
    read, missed, unreadable = readable_and_not(rows)
    threshold = choose_threshold([r.score for r in read], [r.score for r in unreadable])
    for name, value in (("chosen", threshold), ("in use (ILLEGIBLE_BELOW)", ILLEGIBLE_BELOW)):
        fp = sum(r.score < value for r in read)
        fn = sum(r.score >= value for r in unreadable)
        print(
            f"threshold {name}: {value:.2f}  false positives {fp}/{len(read)} (generator pages read correctly, flagged)"
            f"  false negatives {fn}/{len(unreadable)} (unreadable pages not flagged)"
        )
    flagged = [r for r in unreadable if r.score < ILLEGIBLE_BELOW]
    causes = sorted({r.cause for r in flagged})
    print("causes named on flagged unreadable pages:", ", ".join(f"{c} {sum(r.cause == c for r in flagged)}" for c in causes))
    print(f"generator pages the pipeline failed to read (recall < {MIN_RECALL}): {len(missed)}")
    for r in missed:
        state = "flagged" if r.score < ILLEGIBLE_BELOW else "NOT flagged"
        print(f"  {r.kind} {r.variant} {r.fmt} p{r.page}: recall {r.recall:.2f} score {r.score:.2f} ({r.cause}) {state}")
    legible = [r for r in unreadable if r.recall >= MIN_RECALL]
    print(f"unreadable pages the pipeline still read (recall >= {MIN_RECALL}): {len(legible)}")
    images = [r for r in rows if r.quality_ms > 0]
    for name, key in (("legibility measures", "quality_ms"), ("perceptual hash", "hash_ms")):
        if images:
            ms = sorted(getattr(r, key) for r in images)
            worst = max(images, key=lambda r: getattr(r, key))
            p90 = ms[int(0.9 * (len(ms) - 1))]
            print(
                f"{name}: CPU median {statistics.median(ms):.1f} ms, p90 {p90:.1f} ms, max {ms[-1]:.1f} ms "
                f"({worst.group} {worst.kind} {worst.variant} {worst.fmt} p{worst.page}), over {len(ms)} image pages"
            )
    seconds = sorted(r.seconds for r in rows)
    print(f"page reading (wall, {len(seconds)} pages, 2 at a time): median {statistics.median(seconds):.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description="calibrate the legibility threshold on generated pages")
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--count", type=int, default=80, help="generated documents (readable)")
    parser.add_argument("--unreadable", type=int, default=48, help="deliberately unreadable pages")
    parser.add_argument("--workers", type=int, default=worker_count())
    parser.add_argument("--dump", type=Path, help="write every page's measures as JSON")
    args = parser.parse_args()
    page_reader.image_quality = QUALITY_TIMER.wrap(page_reader.image_quality)
    page_reader.page_phash = HASH_TIMER.wrap(page_reader.page_phash)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        steps = plan(args.seed, max(args.count, args.unreadable))
        jobs = [lambda i=i, s=s: readable_job(i, *s, args.seed, folder) for i, s in enumerate(steps[: args.count])]
        jobs += [lambda i=i, k=s[0]: unreadable_job(i, k, args.seed, folder) for i, s in enumerate(steps[: args.unreadable])]
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            rows = [row for rows in pool.map(lambda job: job(), jobs) for row in rows]
    report(rows, time.perf_counter() - started)
    if args.dump:
        args.dump.write_text(json.dumps([asdict(r) for r in rows], indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
