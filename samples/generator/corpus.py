"""One document end to end (build, paginate, draw, rasterise, degrade, encode, ground truth) and a
balanced corpus of them.

Each document has its own integer seed (corpus seed * 100003 + index), so any single document can be
regenerated alone: `generate(kind, fmt, variant, seed, path)`.
"""

from __future__ import annotations

import json
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from samples.generator import degrade, fakes, render
from samples.generator.documents import REGISTRY, common
from samples.generator.layout import Doc

FORMATS = ("pdf_text", "pdf_scan", "jpg", "png")
VARIANTS = ("clean", "skew", "blur", "noise", "low_contrast", "rot90", "rot180", "landscape", "multipage", "photo")
SUFFIX = {"pdf_text": ".pdf", "pdf_scan": ".pdf", "jpg": ".jpg", "png": ".png"}
ALLOWED = {  # variants each format can show
    "pdf_text": {"clean", "landscape", "multipage"},
    "pdf_scan": set(VARIANTS) - {"photo"},
    "jpg": set(VARIANTS) - {"multipage"},
    "png": set(VARIANTS) - {"multipage", "photo"},
}
DPI = 200
JPEG_QUALITY = {"jpg": 85, "photo": 80, "pdf_scan": 75}


def doc_seed(seed: int, index: int) -> int:
    return seed * 100003 + index


def formats_for(variant: str, formats=FORMATS) -> list[str]:
    return [f for f in formats if variant in ALLOWED[f]]


def _compact(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def keep_printed_identifiers(doc: Doc) -> None:
    """The truth lists only the identifiers the document actually prints (some are printed by chance)."""
    rows = doc.header + doc.body + doc.totals + doc.footer
    printed = _compact(" ".join(cell.text for row in rows for cell in row.cells))
    ids = doc.truth.get("identifiers") or {}
    doc.truth["identifiers"] = {k: v for k, v in ids.items() if _compact(str(v)) in printed}


def build_doc(kind: str, rng: random.Random, pages: int, **options) -> Doc:
    """Build the document; a multi-page request whose body cannot be split gets its prescription attached."""
    options.setdefault("patient", fakes.person(rng))
    doc = REGISTRY[kind](rng, pages=pages, **options)
    keep_printed_identifiers(doc)
    if pages > 1 and (len(doc.body) < 2 or kind == "card_ticket"):
        day = max(common.FIRST_DAY, date.fromisoformat(doc.truth["date"]) - timedelta(days=rng.randint(0, 10)))
        physio = doc.truth["care_type"] == "physiotherapy"
        doc.attachments.append(REGISTRY["prescription"](rng, patient=options["patient"], day=day, for_physio=physio))
    return doc


def pages_for(variant: str, rng: random.Random) -> int:
    return rng.choice([2, 2, 3]) if variant == "multipage" else 1


def write_rasters(
    pdf: Path,
    path: Path,
    fmt: str,
    variant: str,
    rng: random.Random,
    gen: np.random.Generator,
    rotation: int,
    angle: float | None,
) -> None:
    images = [degrade.apply(image, variant, rng, gen, rotation, angle or 0.0) for image in render.rasterise(pdf, DPI)]
    if fmt == "pdf_scan":
        render.image_pdf(images, path, JPEG_QUALITY["pdf_scan"])
        return
    kind = "png" if fmt == "png" else "jpg"
    quality = JPEG_QUALITY["photo" if variant == "photo" else "jpg"]
    path.write_bytes(render.encode_within(images[0], kind, quality))


def finish_truth(doc: Doc, pages: int, fmt: str, variant: str, seed: int, ident: str, rotation: int, angle: float | None) -> dict:
    """The document's truth completed with the file facts; attachments (one page each) follow the document's pages."""
    record = dict(doc.truth)
    record.update(id=ident, seed=seed, format=fmt, variant=variant, pages=pages, rotation=rotation, skew_angle=angle)
    first = pages - len(doc.attachments) + 1
    record["attachments"] = [
        {"doc_type": a.truth["doc_type"], "care_type": a.truth["care_type"], "date": a.truth["date"], "page": first + i}
        for i, a in enumerate(doc.attachments)
    ]
    return record


def generate(
    kind: str, fmt: str, variant: str, seed: int, path: Path, ident: str | None = None, pages: int | None = None, **options
) -> dict:
    """Write one document to `path` (suffix chosen by the caller) and return its ground truth (not written).

    `pages` forces the page count of a multipage variant; other `options` go to the builder (patient, day...)."""
    if variant not in ALLOWED[fmt]:
        raise ValueError(f"variant {variant} is not available as {fmt}")
    rng, gen = random.Random(seed), np.random.default_rng(seed)
    wanted = pages_for(variant, rng) if pages is None else pages
    doc = build_doc(kind, rng, wanted, **options)
    pagesize = render.sheet("landscape" if variant == "landscape" else "portrait")
    pages = render.layout_pages(doc, wanted, pagesize)
    rotation, angle = degrade.draw_geometry(variant, rng)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = render.draw_pdf(pages, path if fmt == "pdf_text" else Path(tmp) / "page.pdf", pagesize)
        if fmt != "pdf_text":
            write_rasters(pdf, path, fmt, variant, rng, gen, rotation, angle)
    return finish_truth(doc, len(pages), fmt, variant, seed, ident or path.stem, rotation, angle)


def write_truth(record: dict, path: Path) -> Path:
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    return path


def plan(seed: int, count: int, kinds=tuple(REGISTRY), formats=FORMATS, variants=VARIANTS) -> list[tuple[str, str, str]]:
    """(kind, format, variant) for each index: kinds cycle; each kind cycles through its own shuffled variants,
    and each variant through the formats that can show it, so that any prefix of the plan is balanced."""
    usable = [v for v in variants if formats_for(v, formats)]
    if not usable:
        raise ValueError("no requested format can show the requested variants")
    orders = {}
    for kind in kinds:
        shuffled = list(usable)
        random.Random(f"{seed}:{kind}").shuffle(shuffled)
        orders[kind] = shuffled
    out = []
    for index in range(count):
        kind, turn = kinds[index % len(kinds)], index // len(kinds)
        variant = orders[kind][turn % len(usable)]
        options = formats_for(variant, formats)
        out.append((kind, options[(turn // len(usable) + kinds.index(kind)) % len(options)], variant))
    return out


def build_corpus(out: Path, seed: int, count: int, kinds=None, formats=FORMATS, variants=VARIANTS) -> list[dict]:
    """Write `count` documents and their ground truth (`<id>.<ext>` + `<id>.json`) into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    records = []
    for index, (kind, fmt, variant) in enumerate(plan(seed, count, tuple(kinds or REGISTRY), formats, variants)):
        ident = f"doc-{seed}-{index:04d}"
        record = generate(kind, fmt, variant, doc_seed(seed, index), out / f"{ident}{SUFFIX[fmt]}", ident)
        write_truth(record, out / f"{ident}.json")
        records.append(record)
    return records
