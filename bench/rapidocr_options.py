"""RapidOCR's onnxruntime options measured: seconds a receipt per option set, and what it read.

Usage: python bench/rapidocr_options.py [--receipts 8] [--repeat 2]

Reads the first RECEIPTS receipts of ../shared/corpus/sroie-dev (skips with a message when absent),
prepared as the pipeline prepares a page (clean, resized for OCR, deskewed), with one RapidOCR engine per
option set built from the shipped options (infra/tools/rapidocr.py `engine_params`) with one change:
  - shipped: one intra-op thread, memory arena off, recognition batches of 6, detection at 1600 px,
  - batch 1 / batch 12: recognition batch size (a batch is padded to its widest line),
  - arena: onnxruntime's CPU memory arena on,
  - threads 2: two intra-op threads (the pipeline reads two pages at once on this 2-core machine: the
    other page's thread then competes),
  - detection 1200: the page brought down to 1200 px for detection (lines still read from the image).
Prints per set: the best of REPEAT wall times per receipt (one process, nothing else running), the CPU
time, the detection / classification / recognition split RapidOCR reports, and how many lines differ
from the shipped set's reading (same text expected: a faster set that reads otherwise is not free).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from extractors import preprocess  # noqa: E402
from extractors.pages import load_image_page  # noqa: E402
from infra.tools import rapidocr  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "sroie-dev"
SETS: dict[str, dict[str, object]] = {
    "shipped": {},
    "batch 1": {"Rec.rec_batch_num": 1},
    "batch 12": {"Rec.rec_batch_num": 12},
    "arena": {"EngineConfig.onnxruntime.enable_cpu_mem_arena": True},
    "threads 2": {"EngineConfig.onnxruntime.intra_op_num_threads": 2},
    "detection 1200": {"Det.limit_side_len": 1200},
}


def prepared(path: Path) -> np.ndarray:
    image = load_image_page(str(path))
    gray, _ = preprocess.resize_for_ocr(preprocess.clean(image.gray), image.dpi)
    straight, _ = preprocess.deskew(gray)
    return np.ascontiguousarray(cv2.cvtColor(straight, cv2.COLOR_GRAY2BGR))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receipts", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent (the shared corpus is not on this machine)")
        return
    from rapidocr import RapidOCR

    pages = [prepared(p) for p in sorted(CORPUS.glob("*.jpg"))[: args.receipts]]
    reference: list[tuple[str, ...]] = []
    print(f"{len(pages)} receipts of sroie-dev, best of {args.repeat} runs each")
    print(f"{'options':16} {'wall s/receipt':>14} {'CPU s/receipt':>14} {'det / cls / rec s':>20} {'lines differing':>16}")
    for name, change in SETS.items():
        engine = RapidOCR(params={**rapidocr.engine_params(), **change})
        engine(pages[0])  # warm-up: sessions built, first allocations made
        wall = cpu = 0.0
        split = np.zeros(3)
        texts = []
        for page in pages:
            best = None
            for _ in range(args.repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                result: Any = engine(page, return_word_box=True)
                took = (time.perf_counter() - started, time.process_time() - started_cpu)
                best = took if best is None or took[0] < best[0] else best
            assert best is not None
            wall, cpu = wall + best[0], cpu + best[1]
            split += [x or 0.0 for x in result.elapse_list]
            texts.append(tuple(result.txts or ()))
        if not reference:
            reference = texts
        differing = sum(len(set(a) ^ set(b)) for a, b in zip(texts, reference, strict=True))
        n = len(pages)
        parts = " / ".join(f"{x / n:.2f}" for x in split)
        print(f"{name:16} {wall / n:14.2f} {cpu / n:14.2f} {parts:>20} {differing:16d}")


if __name__ == "__main__":
    main()
