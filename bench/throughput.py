"""Throughput on mixed real pages: the pipeline in both OCR modes vs bare Tesseract vs OCRmyPDF, the
CPU per stage per page, and peak memory.

Usage: python bench/throughput.py [--receipts 5] [--scans 5] [--generated-files 0] [--pages-per-file 3]
                                  [--memory-request] [--modes fast,accurate]
The page set: the first RECEIPTS receipts of ../shared/corpus/sroie-dev (*.jpg), the first SCANS A4
scans of ../shared/corpus/einvoice-dev (*-scan.jpg), optionally GENERATED_FILES generated image-only
PDFs (the generator, PAGES_PER_FILE scanned pages each). One run times, side by side on this machine's
cores (ratios within one run; wall and CPU seconds, CPU = this process's children or this process):
  - bare:     `tesseract PAGE - -l fra+eng tsv`, single-threaded, one process per core,
  - ocrmypdf: `ocrmypdf --jobs CORES -l fra+eng` on the same pages as one PDF (img2pdf),
  - cold:     `intake extract --jsonl` on the files, a fresh process per mode (imports, models),
  - warm:     `intake.batch.extract_files` in this process after a warm-up file, per mode,
  - stages:   the warm pipeline again, one page at a time, with extractors/timing.py on: CPU ms per
              page of each stage and Tesseract passes per page, per mode,
  - start-up: `intake --help` and a cold `intake extract` of one small receipt vs bare Tesseract on it,
  - "no regex cache": a cold run with INTAKE_REGEX_CACHE="" (extractors/fields/regex_cache.py off),
  - with --baseline DIR: the cold runs of another checkout of the code (PYTHONPATH=DIR),
  - with --memory-request: peak RSS of a cold `intake extract` (accurate) on a 10-file request of
    5 receipts and 5 generated PDFs of 25 pages or more in all.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from samples.generator.corpus import generate  # noqa: E402
from samples.generator.documents import REGISTRY  # noqa: E402
from samples.generator.render import rasterise  # noqa: E402

CORES = len(os.sched_getaffinity(0))
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
BIN = Path(sys.executable).parent
CORPUS = REPO.parent / "shared" / "corpus"
STAGE_ORDER = (
    "decode",
    "render",
    "text layer",
    "clean",
    "osd",
    "deskew",
    "tesseract pass",
    "second reader (RapidOCR)",
    "legibility",
    "hash",
    "segmentation",
    "layout",
    "classification",
    "fields",
)


def generated(folder: Path, files: int, pages_per_file: int, seed: int) -> tuple[list[Path], list[Path]]:
    """(scanned PDFs of generated documents, their pages rendered at 300 dpi as JPEG for the other tools)."""
    rng = random.Random(seed)
    kinds = list(REGISTRY)
    pdfs, images = [], []
    for f in range(files):
        pdf = folder / f"file{f:02d}.pdf"
        for kind in kinds[f % len(kinds) :] + kinds:  # a kind the generator cannot lay out on that many pages: the next
            try:
                generate(kind, "pdf_scan", "multipage", rng.randrange(10**6), pdf, pages=pages_per_file)
                break
            except ValueError:
                continue
        pdfs.append(pdf)
        for i, page in enumerate(rasterise(pdf, 300)):
            path = folder / f"file{f:02d}-page{i + 1}.jpg"
            cv2.imwrite(str(path), page, [cv2.IMWRITE_JPEG_QUALITY, 85])
            images.append(path)
    return pdfs, images


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class PeakRss:
    """Peak RSS (MiB) of a process tree, sampled every 50 ms in a thread."""

    def __init__(self, pid: int):
        self.root, self.peak, self._stop = psutil.Process(pid), 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                tree = [self.root, *self.root.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mib(self) -> float:
        return self.peak / 1024 / 1024


def run_cold(command: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float, float]:
    """(wall s, CPU s of the process tree, peak RSS MiB) of a command."""
    cpu, started = children_cpu(), time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with PeakRss(process.pid) as peak:
        _, err = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{command[:2]} failed: {err.decode()[-500:]}")
    return wall, children_cpu() - cpu, peak.mib


def run_inprocess(work: Callable[[], None]) -> tuple[float, float, float]:
    """(wall s, CPU s of this process and its children, peak RSS MiB of this process tree) of `work`."""
    cpu, started = time.process_time() + children_cpu(), time.perf_counter()
    with PeakRss(os.getpid()) as peak:
        work()
    return time.perf_counter() - started, time.process_time() + children_cpu() - cpu, peak.mib


def bare_tesseract(images: list[Path]) -> tuple[float, float, float]:
    def one(path: Path) -> None:
        subprocess.run(["tesseract", str(path), "-", "-l", "fra+eng", "tsv"], env=ENV, check=True, capture_output=True)

    cpu, started = children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=CORES) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - started, children_cpu() - cpu, 0.0


def ocrmypdf(images: list[Path], folder: Path) -> tuple[float, float, float]:
    import img2pdf

    merged = folder / "all.pdf"
    merged.write_bytes(img2pdf.convert([str(p) for p in images]))
    return run_cold(
        [
            str(BIN / "ocrmypdf"),
            "--jobs",
            str(CORES),
            "-l",
            "fra+eng",
            "--output-type",
            "pdf",
            "--optimize",
            "0",
            "--force-ocr",
            str(merged),
            str(folder / "ocr.pdf"),
        ],
        ENV,
    )


def warm(files: list[Path], warm_up: Path, mode: str, workers: int | None = None) -> tuple[float, float, float]:
    from extractors.fields.parties import nlp_model
    from infra.tools.ocr_settings import use_ocr_mode
    from intake.batch import extract_files

    use_ocr_mode(mode)
    nlp_model()
    list(extract_files([warm_up]))  # models loaded (Tesseract's data cached, RapidOCR built in accurate mode)
    return run_inprocess(lambda: list(extract_files(files, workers)))


def stage_breakdown(files: list[Path], warm_up: Path, mode: str) -> tuple[dict[str, tuple[float, int]], int]:
    """CPU ms per page and count per page of each stage, the pages read one at a time (exact CPU)."""
    from extractors import timing

    timing.enable()
    timing.reset()
    try:
        results: list = []
        from intake.batch import extract_files

        warm([], warm_up, mode)
        timing.reset()
        results = list(extract_files(files, workers=1))
        spent = timing.snapshot()
    finally:
        timing.enable(False)
    pages = sum(r.pages for r in results)
    return {name: (t.cpu * 1000 / pages, t.count) for name, t in spent.items()}, pages


def main() -> int:
    parser = argparse.ArgumentParser(description="pipeline vs bare Tesseract vs OCRmyPDF on mixed real pages")
    parser.add_argument("--receipts", type=int, default=5)
    parser.add_argument("--scans", type=int, default=5)
    parser.add_argument("--generated-files", type=int, default=0)
    parser.add_argument("--pages-per-file", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--modes", default="fast,accurate")
    parser.add_argument("--memory-request", action="store_true")
    parser.add_argument("--skip-stages", action="store_true")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of the code to compare with (e.g. `git archive REV | tar -x -C DIR`): "
        "its cold runs beside ours, with PYTHONPATH=DIR",
    )
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    receipts = sorted((CORPUS / "sroie-dev").glob("*.jpg"))
    scans = sorted((CORPUS / "einvoice-dev").glob("*-scan.jpg"))
    if len(receipts) <= args.receipts or len(scans) < args.scans:
        raise SystemExit(f"the real pages are missing under {CORPUS}")
    warm_up = receipts[-1]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdfs, gen_images = generated(folder, args.generated_files, args.pages_per_file, args.seed)
        files = [*receipts[: args.receipts], *scans[: args.scans], *pdfs]
        images = [*receipts[: args.receipts], *scans[: args.scans], *gen_images]
        pages = len(images)
        print(
            f"{pages} pages in {len(files)} files ({args.receipts} receipts, {args.scans} A4 scans, {len(gen_images)} generated "
            f"pages), {CORES} cores, Tesseract single-threaded; load average {os.getloadavg()[0]:.1f} at start"
        )
        rows: list[tuple[str, tuple[float, float, float]]] = [("bare tesseract (1 thread x cores)", bare_tesseract(images))]
        rows.append((f"ocrmypdf --jobs {CORES}", ocrmypdf(images, folder)))
        for mode in modes:
            rows.append(
                (
                    f"cold intake extract, {mode}",
                    run_cold([str(BIN / "intake"), "extract", "--jsonl", *map(str, files)], {**ENV, "INTAKE_OCR_MODE": mode}),
                )
            )
        rows.append(
            (
                f"cold intake extract, {modes[0]}, no regex cache",
                run_cold(
                    [str(BIN / "intake"), "extract", "--jsonl", *map(str, files)],
                    {**ENV, "INTAKE_OCR_MODE": modes[0], "INTAKE_REGEX_CACHE": ""},
                ),
            )
        )
        baseline = {**ENV, "PYTHONPATH": str(args.baseline)} if args.baseline else None
        if baseline:
            for mode in modes:
                rows.append(
                    (
                        f"cold intake extract, {mode}, baseline",
                        run_cold(
                            [str(BIN / "python"), "-m", "flows.cli", "extract", "--jsonl", *map(str, files)],
                            {**baseline, "INTAKE_OCR_MODE": mode},
                            args.baseline,
                        ),
                    )
                )
        for mode in modes:
            rows.append((f"warm pipeline, {mode}", warm(files, warm_up, mode)))
        bare = rows[0][1][0]
        ocrmypdf_wall = rows[1][1][0]
        print(
            "\n| | wall s | CPU s | CPU s / page | pages/min | vs bare | vs ocrmypdf | peak RSS MiB |\n|---|---|---|---|---|---|---|---|"
        )
        for name, (wall, cpu, mem) in rows:
            print(
                f"| {name} | {wall:.1f} | {cpu:.1f} | {cpu / pages:.2f} | {pages / wall * 60:.0f} | {bare / wall:.2f} | "
                f"{ocrmypdf_wall / wall:.2f} | {f'{mem:.0f}' if mem else '-'} |"
            )

        one = receipts[0]
        startup = [
            ("bare tesseract, 1 receipt", run_cold(["tesseract", str(one), "-", "-l", "fra+eng", "tsv"], ENV)),
            ("intake --help", run_cold([str(BIN / "intake"), "--help"], ENV)),
        ]
        for mode in modes:
            startup.append(
                (
                    f"intake extract, 1 receipt, {mode}",
                    run_cold([str(BIN / "intake"), "extract", "--jsonl", str(one)], {**ENV, "INTAKE_OCR_MODE": mode}),
                )
            )
        startup.append(
            (
                f"intake extract, 1 receipt, {modes[0]}, no regex cache",
                run_cold(
                    [str(BIN / "intake"), "extract", "--jsonl", str(one)],
                    {**ENV, "INTAKE_OCR_MODE": modes[0], "INTAKE_REGEX_CACHE": ""},
                ),
            )
        )
        if baseline:
            for mode in modes:
                startup.append(
                    (
                        f"intake extract, 1 receipt, {mode}, baseline",
                        run_cold(
                            [str(BIN / "python"), "-m", "flows.cli", "extract", "--jsonl", str(one)],
                            {**baseline, "INTAKE_OCR_MODE": mode},
                            args.baseline,
                        ),
                    )
                )
        print("\n| start-up | wall s | CPU s | peak RSS MiB |\n|---|---|---|---|")
        for name, (wall, cpu, mem) in startup:
            print(f"| {name} | {wall:.2f} | {cpu:.2f} | {mem:.0f} |")

        if not args.skip_stages:
            table = {mode: stage_breakdown(files, warm_up, mode) for mode in modes}
            names = [n for n in STAGE_ORDER if any(n in t[0] for t in table.values())]
            names += sorted({n for t in table.values() for n in t[0]} - set(names))
            header = " | ".join(f"{m}: CPU ms / page | {m}: runs / page" for m in modes)
            print(f"\n| stage (pages read one at a time) | {header} |\n|---|{'---|---|' * len(modes)}")
            for name in [*names, "total"]:
                cells = []
                for mode in modes:
                    spent, n = table[mode]
                    if name == "total":
                        cells += [f"{sum(ms for ms, _ in spent.values()):.0f}", "-"]
                    else:
                        ms, count = spent.get(name, (0.0, 0))
                        cells += [f"{ms:.0f}", f"{count / n:.2f}"]
                print(f"| {name} | {' | '.join(cells)} |")

        if args.memory_request:
            for per_file in range(5, 13):  # the generator lays out fewer pages than asked: 25 generated pages at least
                shutil.rmtree(folder / "mem", ignore_errors=True)
                (folder / "mem").mkdir()
                mpdfs, mpages = generated(folder / "mem", 5, per_file, args.seed + 1)
                if len(mpages) >= 25:
                    break
            request = [*receipts[:5], *mpdfs]
            wall, cpu, mem = run_cold(
                [str(BIN / "intake"), "extract", "--jsonl", *map(str, request)], {**ENV, "INTAKE_OCR_MODE": "accurate"}
            )
            print(
                f"\nmemory request ({len(request)} files, {5 + len(mpages)} pages: 5 receipts + 5 generated PDFs), accurate: "
                f"{wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {mem:.0f} MiB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
