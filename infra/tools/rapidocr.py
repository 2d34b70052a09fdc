"""RapidOCR (PP-OCR models on onnxruntime), the second reader: the only module that imports rapidocr
or onnxruntime. It turns an image into engine-neutral `Word`s (text, confidence 0..1, box in the
image's pixels, block and line numbers), like infra/tools/tesseract.py + extractors/ocr.py do for
Tesseract.

- **Bundled models only.** RapidOCR 3.10.0 ships PP-OCRv6 small detection and recognition models and
  the v2.0 direction classifier inside its wheel (`rapidocr/models/`); any other model is fetched from
  the network on first use. The engine is built with the explicit paths of those three files, so
  RapidOCR never reaches its download code; a missing file raises `RapidOcrUnavailable` instead. The
  recognition dictionary is read from the model's own metadata.
- **One engine per process**, created on first use (loading costs ~0.3 s and holds ~0.5-1 GB) and
  shared by the page-reading threads (onnxruntime sessions are thread-safe; every call passes the same
  options, so RapidOCR's per-call settings never differ between threads).
- **One intra-op thread, CPU only**: the pipeline parallelises across pages, as with Tesseract.
"""

from __future__ import annotations

import importlib.metadata
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from infra.tools.memory_gate import GATE
from models import BBox, Word

# role in RapidOCR's configuration -> the model file its wheel bundles
BUNDLED_MODELS = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
PINNED_VERSION = "3.10.0"  # the version whose wheel bundles the models above (requirements.lock)
THREADS = 1
DETECTION_SIDE = 1600
READING_BYTES = 450 * 1024 * 1024  # a reading's peak over the engine's own memory (measured: 400-480 MB, 2000-4000 px pages)

_engine: Any = None
_engine_lock = threading.Lock()
# Every RapidOCR reading of the process runs on one thread of its own, one at a time: a reading costs
# several hundred MB while it runs, and memory the allocator keeps per thread would add up otherwise
# (10 receipts, 2 workers: peak RSS 1.49 GB with readings on both page threads, 1.28 GB with a lock
# alone); the other core keeps reading pages with Tesseract meanwhile.
_reader_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rapidocr")


class RapidOcrUnavailable(Exception):
    """RapidOCR or onnxruntime is not installed, or its bundled models are missing."""


class RapidOcrFailed(Exception):
    """RapidOCR could not read an image (the message is RapidOCR's)."""


def package_dir() -> Path:
    """rapidocr's installed package folder (site-packages/rapidocr)."""
    try:
        import rapidocr
    except ImportError as exc:
        raise RapidOcrUnavailable(f"the Python package {exc.name or 'rapidocr'} is missing") from exc
    return Path(rapidocr.__file__).resolve().parent


def model_paths() -> dict[str, Path]:
    """The bundled model file of each role; RapidOcrUnavailable when one is missing (never downloaded)."""
    folder = package_dir() / "models"
    paths = {role: folder / name for role, name in BUNDLED_MODELS.items()}
    missing = [path.name for path in paths.values() if not path.is_file()]
    if missing:
        raise RapidOcrUnavailable(f"RapidOCR's bundled models are missing from {folder}: {', '.join(missing)}")
    return paths


def engine_params() -> dict[str, Any]:
    """RapidOCR's options: the bundled models by path, word boxes, quiet, one thread, CPU."""
    paths = model_paths()
    params: dict[str, Any] = {
        "Global.log_level": "error",
        "Global.return_word_box": True,
        "Global.model_root_dir": str(paths["Det"].parent),  # never used with explicit paths; no other folder is created
        # detection on the page brought down to 1600 px on its long side (the text lines are then read
        # from the full image): an A4 scan at 300 dpi costs 670 MB instead of 920 MB, with the same words
        "Det.limit_type": "max",
        "Det.limit_side_len": DETECTION_SIDE,
        "EngineConfig.onnxruntime.intra_op_num_threads": THREADS,
        "EngineConfig.onnxruntime.inter_op_num_threads": THREADS,
        "EngineConfig.onnxruntime.use_cuda": False,
        "EngineConfig.onnxruntime.use_dml": False,
        "EngineConfig.onnxruntime.use_cann": False,
        "EngineConfig.onnxruntime.use_coreml": False,
    }
    for role, path in paths.items():
        params[f"{role}.model_path"] = str(path)
    return params


def engine() -> Any:
    """The process's RapidOCR engine, created on first use."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                params = engine_params()
                try:
                    from rapidocr import RapidOCR
                except ImportError as exc:
                    raise RapidOcrUnavailable(f"the Python package {exc.name or 'rapidocr'} is missing") from exc
                _engine = RapidOCR(params=params)
    return _engine


def _read(array: np.ndarray) -> Any:
    return engine()(array, return_word_box=True)


def read_words(image: Path | np.ndarray) -> list[Word]:
    """RapidOCR's words of an image file or array (grayscale or BGR), boxes in its pixels; each detected
    text line is one line (numbered from 1 in RapidOCR's reading order) of block 1."""
    array = _load(image)
    return _words(_run(_read, array), array)


def _run(step: Callable[[np.ndarray], Any], array: np.ndarray) -> Any:
    """A page reading on the reader thread, within the memory gate (with the other core's picture decoding:
    bounded together; the gate hands the freed memory back after); RapidOCR's errors as RapidOcrFailed."""
    try:
        with GATE.holding(READING_BYTES):
            return _reader_thread.submit(step, array).result()
    except RapidOcrUnavailable:
        raise
    except Exception as exc:  # RapidOCR raises its own and onnxruntime's errors
        raise RapidOcrFailed(str(exc)[:200]) from exc


def _words(result: Any, array: np.ndarray) -> list[Word]:
    """The Words of a reading's result (none when RapidOCR found no text: its output then has no lines)."""
    height, width = array.shape[:2]
    return words_from_result(
        getattr(result, "txts", None) or (),
        getattr(result, "scores", None) or (),
        getattr(result, "boxes", None),
        getattr(result, "word_results", None) or (),
        width,
        height,
    )


def _read_classified(array: np.ndarray) -> tuple[Any, float]:
    """RapidOCR's steps as its `__call__` runs them (3.10.0), keeping what its direction classifier said:
    the result and the share of text lines it turned upside down."""
    reader = engine()
    original = reader.load_img(array)
    image, record = reader.preprocess_img(original)
    detected, classified, recognised, crops = reader.run_ocr_steps(image, record)
    labels = [str(found[0]) for found in (classified.cls_res or ())]
    turned = sum(label == "180" for label in labels) / len(labels) if labels else 0.0
    return reader.build_final_output(original, detected, classified, recognised, crops, record), turned


def read_words_oriented(image: Path | np.ndarray) -> tuple[list[Word], float]:
    """As `read_words`, with the share (0..1) of text lines RapidOCR's direction classifier found upside
    down: most of them, and the page itself is (its lines then come bottom to top)."""
    array = _load(image)
    result, turned = _run(_read_classified, array)
    return _words(result, array), turned


def _recognise(arrays: list[np.ndarray]) -> Any:
    return engine().recognize_txt(arrays)


def read_lines(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """RapidOCR's recognition alone - no detection, no direction classifier - of images each holding one
    upright text line (crops of a page): (text, score 0..1) per crop, in order. A few crops cost tens of
    milliseconds where a page's detection costs a second."""
    if not crops:
        return []
    arrays = [_load(crop) for crop in crops]
    try:
        result = _reader_thread.submit(_recognise, arrays).result()
    except RapidOcrUnavailable:
        raise
    except Exception as exc:  # RapidOCR raises its own and onnxruntime's errors
        raise RapidOcrFailed(str(exc)[:200]) from exc
    texts, scores = list(result.txts or ()), list(result.scores or ())
    return [(str(t), max(0.0, min(1.0, float(sc)))) for t, sc in zip(texts, scores, strict=False)]


def words_in_box(text: str, score: float, box: BBox, line: int) -> list[Word]:
    """The words of a text recognised in one box, each with its share of the box (block 1, line `line`)."""
    return [Word(text=t, confidence=score, bbox=b, block=1, line=line) for t, b in _split(text, box) if t]


def words_from_result(texts: Any, scores: Any, boxes: Any, word_results: Any, width: int, height: int) -> list[Word]:
    """Convert RapidOCR's lines (text, score, 4-point box) and their word pieces ((text, score, box), ...)
    into Words: the line's space-separated words, each with the union of the pieces that spell it
    (RapidOCR cuts at wide letter gaps too: `PHARM` + `ACIE`) and their lowest score; a line whose
    pieces do not spell its text is cut by character position."""
    words: list[Word] = []
    for index, text in enumerate(texts):
        line_box = _bbox(boxes[index], width, height) if boxes is not None and index < len(boxes) else None
        pieces = [
            (str(t), float(sc), _bbox(b, width, height))
            for t, sc, b in (word_results[index] if index < len(word_results) else ())
        ]
        spelled = _spell(str(text), [(t, sc, b) for t, sc, b in pieces if b is not None])
        if spelled is None:
            if line_box is None:
                continue
            score = max(0.0, min(1.0, float(scores[index])))
            spelled = [(part, score, box) for part, box in _split(str(text), line_box)]
        words.extend(Word(text=t, confidence=max(0.0, min(1.0, sc)), bbox=b, block=1, line=index + 1) for t, sc, b in spelled)
    return words


def _spell(text: str, pieces: list[tuple[str, float, BBox]]) -> list[tuple[str, float, BBox]] | None:
    """The words of `text`, each from the consecutive pieces spelling it; None when they do not."""
    out: list[tuple[str, float, BBox]] = []
    remaining = list(pieces)
    for word in text.split():
        spelled, score, box = "", 1.0, None
        while remaining and len(spelled) < len(word):
            piece, piece_score, piece_box = remaining.pop(0)
            spelled += "".join(piece.split())
            score = min(score, piece_score)
            box = piece_box if box is None else box.union(piece_box)
        if spelled != word or box is None:
            return None
        out.append((word, score, box))
    return out if not remaining and out else None


def _split(text: str, bbox: BBox) -> list[tuple[str, BBox]]:
    """The words of a text read as one box, each with its share of the box (by character position)."""
    stripped = text.strip()
    parts = stripped.split()
    if len(parts) <= 1:
        return [(stripped, bbox)]
    out: list[tuple[str, BBox]] = []
    per_char, start = bbox.width / max(len(stripped), 1), 0
    for part in parts:
        start = stripped.index(part, start)
        x0 = bbox.x0 + int(start * per_char)
        x1 = max(x0 + 1, min(bbox.x1, bbox.x0 + round((start + len(part)) * per_char)))
        out.append((part, BBox(x0=x0, y0=bbox.y0, x1=x1, y1=bbox.y1)))
        start += len(part)
    return out


def _bbox(points: Any, width: int, height: int) -> BBox | None:
    """Axis-aligned box of a quadrilateral, clamped to the image; None when empty."""
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    x0, x1 = max(0, int(min(xs))), min(width, round(max(xs)))
    y0, y1 = max(0, int(min(ys))), min(height, round(max(ys)))
    if x1 <= x0 or y1 <= y0:
        return None
    return BBox(x0=x0, y0=y0, x1=x1, y1=y1)


def _load(image: Path | np.ndarray) -> np.ndarray:
    import cv2

    if isinstance(image, Path):
        array = cv2.imread(str(image), cv2.IMREAD_COLOR)
        if array is None:
            raise RapidOcrFailed(f"cannot decode the image {image.name}")
        return np.asarray(array)
    if image.ndim == 2:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR))
    return image


def versions() -> tuple[str, str] | None:
    """(rapidocr, onnxruntime) installed versions; None when either is missing."""
    try:
        return importlib.metadata.version("rapidocr"), importlib.metadata.version("onnxruntime")
    except importlib.metadata.PackageNotFoundError:
        return None
