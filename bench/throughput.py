"""Throughput: the pipeline vs bare Tesseract vs OCRmyPDF on the same scanned pages, and peak memory.

Usage: python bench/throughput.py [--files 10] [--pages-per-file 3] [--seed 11]
Builds a request of FILES image-only PDFs (PAGES_PER_FILE scanned pages each, 300 dpi, generated),
then times, on this machine's cores:
  - pipeline: `intake extract` on the PDFs (render 300 dpi, clean, deskew, OCR, classify, extract),
              a cold process (imports and the spaCy model load included),
  - warm:     the same stages in an already-started process (a long-running worker),
  - flow:     `intake process` on the same request (the Prefect flow, ephemeral server included),
  - bare:     `tesseract PAGE.jpg - -l fra+eng tsv`, single-threaded, one process per core,
  - ocrmypdf: `ocrmypdf --jobs CORES` on the same pages as one PDF,
and prints pages per minute, the ratios to bare Tesseract, and the peak memory (RSS of the process
tree) of the pipeline and the flow.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import pikepdf
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from samples.generator.corpus import generate  # noqa: E402
from samples.generator.documents import REGISTRY  # noqa: E402
from samples.generator.render import rasterise  # noqa: E402

CORES = len(os.sched_getaffinity(0))
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
BIN = Path(sys.executable).parent


def build_batch(folder: Path, files: int, pages_per_file: int, seed: int) -> tuple[list[Path], list[Path]]:
    """(scanned PDFs of generated documents, their pages rendered at 300 dpi as JPEG for bare Tesseract)."""
    rng = random.Random(seed)
    kinds = list(REGISTRY)
    pdfs, images = [], []
    for f in range(files):
        pdf = folder / f"file{f:02d}.pdf"
        generate(kinds[f % len(kinds)], "pdf_scan", rng.choice(["multipage"]), rng.randrange(10**6), pdf, pages=pages_per_file)
        pdfs.append(pdf)
        for i, page in enumerate(rasterise(pdf, 300)):
            path = folder / f"file{f:02d}-page{i + 1}.jpg"
            cv2.imwrite(str(path), page, [cv2.IMWRITE_JPEG_QUALITY, 85])
            images.append(path)
    return pdfs, images


def run_measured(command: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB of the process and its children) of a command."""
    started = time.monotonic()
    process = psutil.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {process.stderr.read().decode()[-500:]}")
    return elapsed, peak / 1024 / 1024


def warm_pipeline(pdfs: list[Path]) -> float:
    """The same stages in this process, models already loaded: what a long-running worker sees."""
    from extractors.fields.parties import nlp_model
    from intake.pipeline import extract_report
    from validators.upload import check_uploads

    os.environ["OMP_THREAD_LIMIT"] = "1"
    nlp_model()
    started = time.monotonic()
    extract_report(check_uploads(pdfs))
    return time.monotonic() - started


def bare_tesseract(images: list[Path]) -> float:
    def one(path: Path) -> None:
        subprocess.run(["tesseract", str(path), "-", "-l", "fra+eng", "tsv"], env=ENV, check=True, capture_output=True)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CORES) as pool:
        list(pool.map(one, images))
    return time.monotonic() - started


def ocrmypdf(pdfs: list[Path], folder: Path) -> float | None:
    if shutil.which("ocrmypdf") is None and not (BIN / "ocrmypdf").exists():
        return None
    merged = folder / "all.pdf"
    with pikepdf.new() as out:
        for path in pdfs:
            with pikepdf.open(path) as src:
                out.pages.extend(src.pages)
        out.save(merged)
    command = [str(BIN / "ocrmypdf"), "--jobs", str(CORES), "-l", "fra+eng", "--output-type", "pdf", "--optimize", "0", "--force-ocr", str(merged), str(folder / "ocr.pdf")]
    started = time.monotonic()
    result = subprocess.run(command, env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"ocrmypdf failed: {result.stderr[-300:]}")
        return None
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description="pipeline vs bare Tesseract vs OCRmyPDF throughput")
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--pages-per-file", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--skip-flow", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdfs, images = build_batch(folder, args.files, args.pages_per_file, args.seed)
        pages = len(images)
        if pages != args.files * args.pages_per_file:
            print(f"note: the generator laid out {pages} pages, not {args.files * args.pages_per_file}")
        print(f"{pages} scanned pages in {len(pdfs)} PDFs, {CORES} cores, Tesseract single-threaded (OMP_THREAD_LIMIT=1)")
        rows = []
        bare = bare_tesseract(images)
        rows.append(("bare tesseract", bare, None))
        pipeline, pipeline_mem = run_measured([str(BIN / "intake"), "extract", "--jsonl", *map(str, pdfs)])
        rows.append(("pipeline (intake extract)", pipeline, pipeline_mem))
        rows.append(("pipeline, warm worker", warm_pipeline(pdfs), None))
        if not args.skip_flow:
            flow, flow_mem = run_measured([str(BIN / "intake"), "process", *map(str, pdfs)])
            rows.append(("flow (intake process)", flow, flow_mem))
        ocrmypdf_time = ocrmypdf(pdfs, folder)
        if ocrmypdf_time is not None:
            rows.append((f"ocrmypdf --jobs {CORES}", ocrmypdf_time, None))
    print(f"{'':<28}{'seconds':>9}{'pages/min':>11}{'vs bare':>9}{'peak MiB':>10}")
    for name, seconds, memory in rows:
        mem = f"{memory:>10.0f}" if memory is not None else f"{'-':>10}"
        print(f"{name:<28}{seconds:>9.1f}{pages / seconds * 60:>11.1f}{bare / seconds:>9.2f}{mem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
