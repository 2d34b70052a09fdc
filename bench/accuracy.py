"""Per-field extraction accuracy on a folder of documents with ground truth.

Usage: python bench/accuracy.py DIR [--limit N] [--workers N] [--show-errors] [--fields date,total,...]
DIR holds `<id>.<pdf|jpg|png>` and `<id>.json` (the generator's format, or SROIE's: `company` is
compared with our `issuer`). For each field present in the ground truth (null = not applicable) it
prints accuracy, how many were wrong, missing, and confidently wrong (confidence >= 0.8 and wrong -
the worst kind), overall and per variant (clean vs degraded) when the ground truth names one.
A file named `*-scan.*` (einvoice-dev's scanned variants) is also counted in a `scan` group, the
others in `text-or-photo`, so born-digital pages and their scans are reported separately. The last line gives
the CPU seconds per page (this process and its children - Tesseract -, over the pages read; 0 when
every page came from `--ocr-cache`). Skips with a message when DIR does not exist.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import resource
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.data_files import fold
from intake.pipeline import documents_from_outcomes, read_page_outcome
from models import Document
from validators.upload import check_uploads

CONFIDENT = 0.8
TRUTH_TO_FIELD = {"company": "issuer"}
FIELDS = (
    "doc_type",
    "date",
    "total",
    "currency",
    "issuer",
    "care_type",
    "beneficiary",
    "gross_total",
    "line_amounts",
    "stay_from",
    "stay_to",
    "valid_from",
    "valid_to",
    "session_count",
    "first_session",
    "last_session",
    "prescription_date",
    "identifiers",
    "parts",
)
DEFAULT_FIELDS = FIELDS
IDENTIFIERS = ("rpps", "adeli", "finess", "siret", "nir", "iban", "bic")  # those the pipeline reads
SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")


def normalise(name: str, value: str | None) -> str | None:
    """Comparable form of a value: names upper-case with single spaces."""
    if value is None:
        return None
    if name in ("issuer", "beneficiary"):
        return person_or_company(str(value))
    return str(value)


TITLE_FORMS = {"DOCTEUR": "DR", "DOCTOR": "DR"}


def person_or_company(value: str) -> str:
    """A name compared without case, accents, title spelling, punctuation or word order ("Dr GUÉRIN
    Élodie" is "Docteur Élodie Guérin", "BAKERIES(KL)" is "BAKERIES (KL)": SROIE's company names are
    copies of the print with irregular spacing, to compare loosely - its README); company names are
    unaffected in practice (their words keep their order)."""
    words = re.sub(r"[\W_]+", " ", fold(value).upper()).split()
    return " ".join(sorted(TITLE_FORMS.get(w, w) for w in words))


def extract_one(path: Path, cache: Path | None = None) -> list[Document]:
    """One file through the pipeline stages (pages in order, no Prefect): its Documents, one per proof.
    With `cache`, the pages read (OCR) are kept there and reused: to iterate on extraction rules only."""
    report = check_uploads([path])
    if not report.accepted:
        return []
    upload = report.accepted[0]
    stored = cache / f"{path.name}.{upload.sha256[:16]}.pickle" if cache else None
    if stored is not None and stored.exists():
        outcomes = pickle.loads(stored.read_bytes())
    else:
        outcomes = [read_page_outcome(upload, n) for n in range(1, upload.page_count + 1)]
        if stored is not None:
            stored.write_bytes(pickle.dumps(outcomes))
    return documents_from_outcomes(upload, outcomes)


def _amounts_key(amounts) -> str | None:
    values = sorted(f"{float(a):.2f}" for a in amounts if a is not None)
    return "|".join(values) or None


def derived_truth(truth: dict) -> dict:
    """The ground truth with the values the pipeline reports under other names (stay, sessions, lines...)."""
    out = dict(truth)
    stay = truth.get("stay") or {}
    names = ("valid_from", "valid_to") if stay.get("kind") == "period" else ("stay_from", "stay_to")
    out[names[0]], out[names[1]] = stay.get("from"), stay.get("to")
    sessions = truth.get("sessions") or []
    if sessions:
        out.update(session_count=str(len(sessions)), first_session=min(sessions), last_session=max(sessions))
    if truth.get("doc_type") == "prescription":
        out["prescription_date"] = truth.get("date")
    if truth.get("lines") and truth.get("total") is not None:
        out["line_amounts"] = _amounts_key(line.get("amount") for line in truth["lines"])
    known = {k: v for k, v in (truth.get("identifiers") or {}).items() if k in IDENTIFIERS}
    out["identifiers"] = "|".join(f"{k}={v}" for k, v in sorted(known.items())) or None
    out["identifier_keys"] = sorted(known)
    if truth.get("pages", 1) > 1 and "attachments" in truth:
        out["parts"] = "+".join([truth["doc_type"], *(a["doc_type"] for a in truth["attachments"])])
    return out


def predicted(docs: list[Document], name: str, truth: dict) -> tuple[str | None, float]:
    """(value, confidence) the pipeline gave for a field of the file's first proof (`parts`: all proofs' types)."""
    if not docs:
        return None, 0.0
    doc = docs[0]
    if name == "doc_type":
        return doc.doc_type.value, doc.doc_type_score
    if name == "parts":
        return "+".join(d.doc_type.value for d in docs), min(d.doc_type_score for d in docs)
    if name == "line_amounts":
        items = doc.line_items
        return _amounts_key(i.amount for i in items), min((i.confidence for i in items), default=0.0)
    if name == "identifiers":
        keys = truth["identifier_keys"]
        found = {k: doc.fields[k] for k in keys if k in doc.fields}
        if not found:
            return None, 0.0
        return "|".join(f"{k}={f.value}" for k, f in sorted(found.items())), min(f.confidence for f in found.values())
    field = doc.fields.get(name)
    return (field.value, field.confidence) if field else (None, 0.0)


def score(files: list[Path], docs: list[Document | None], fields: tuple[str, ...], show: bool) -> dict:
    """Counts per (group, field): right, wrong, missing, confident_wrong, total."""
    counts: dict = defaultdict(lambda: defaultdict(int))
    for path, doc in zip(files, docs, strict=True):
        truth = derived_truth(json.loads(path.with_suffix(".json").read_text(encoding="utf-8")))
        groups = ["all"] + ([("clean" if truth["variant"] == "clean" else "degraded")] if truth.get("variant") else [])
        if any(p.stem.endswith("-scan") for p in files):
            groups.append("scan" if path.stem.endswith("-scan") else "text")
        for key, expected in truth.items():
            name = TRUTH_TO_FIELD.get(key, key)
            if name not in fields or expected is None:
                continue
            value, confidence = predicted(doc, name, truth)
            outcome = (
                "missing" if value is None else ("right" if normalise(name, value) == normalise(name, expected) else "wrong")
            )
            for group in groups:
                counts[(group, name)]["total"] += 1
                counts[(group, name)][outcome] += 1
                counts[(group, name)]["confident_wrong"] += outcome == "wrong" and confidence >= CONFIDENT
            if show and outcome != "right":
                print(
                    f"  {path.name} [{truth.get('variant', '-')}] {name}: expected {expected!r} got {value!r} ({confidence:.2f})"
                )
    return counts


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (Tesseract, pdftotext...), user + system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--fields", default=",".join(DEFAULT_FIELDS))
    parser.add_argument("--ocr-cache", type=Path, help="keep the pages read here and reuse them (extraction work only)")
    args = parser.parse_args()
    if not args.folder.is_dir():
        print(f"SKIP: no folder at {args.folder}")
        return 0
    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in SUFFIXES and p.with_suffix(".json").exists())
    files = files[: args.limit] if args.limit else files
    started, cpu_started = time.monotonic(), cpu_seconds()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        if args.ocr_cache:
            args.ocr_cache.mkdir(parents=True, exist_ok=True)
        docs = list(pool.map(lambda path: extract_one(path, args.ocr_cache), files))
    elapsed, cpu = time.monotonic() - started, cpu_seconds() - cpu_started
    pages = sum(len(d.pages) for doc in docs for d in doc)
    counts = score(files, docs, tuple(args.fields.split(",")), args.show_errors)
    print(
        f"{args.folder}: {len(files)} documents in {elapsed:.0f} s ({elapsed / max(len(files), 1):.2f} s each, {args.workers} workers)"
    )
    print(f"{'group':<10}{'field':<18}{'n':>5}{'accuracy':>10}{'wrong':>7}{'missing':>9}{'conf.wrong':>12}")
    for (group, name), c in sorted(counts.items(), key=lambda kv: (kv[0][0] != "all", kv[0][0], FIELDS.index(kv[0][1]))):
        print(
            f"{group:<10}{name:<18}{c['total']:>5}{c['right'] / c['total']:>10.1%}{c['wrong']:>7}{c['missing']:>9}{c['confident_wrong']:>12}"
        )
    print(f"CPU: {cpu:.1f} s for {pages} pages = {cpu / max(pages, 1):.2f} s per page (this process + Tesseract)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
