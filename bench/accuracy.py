"""Per-field extraction accuracy on a folder of documents with ground truth.

Usage: python bench/accuracy.py DIR [--limit N] [--workers N] [--show-errors] [--fields date,total,...]
                                    [--part develop|scored|both] [--list-part develop|scored] [--set-name NAME]
DIR holds `<id>.<pdf|jpg|png>` and `<id>.json` (the generator's format, or SROIE's: `company` is
compared with our `issuer`). For each field present in the ground truth (null = not applicable) it
prints accuracy, how many were wrong, missing, and confidently wrong (confidence >= 0.8 and wrong -
the worst kind), overall and per variant (clean vs degraded) when the ground truth names one.
A file named `*-scan.*` (einvoice-dev's scanned variants) is also counted in a `scan` group, the
others in `text`, so born-digital pages and their scans are reported separately. The last line gives
the CPU seconds per page (this process and its children - Tesseract -, over the pages read; 0 when
every page came from `--ocr-cache`). Skips with a message when DIR does not exist.

Validation split (bench/splits.py, where the rule is written down): every document of a set is in a
part to develop on or in a part only scored (about 20 %, by a stable hash of "<set>/<id>", a
`-scan` variant with its original; the set is DIR's folder name unless `--set-name`). `--part
develop` or `--part scored` reads and reports that part alone, in the table above. `--part both`
(the default) reads every document once and prints the table above over all of them, then the same
figures side by side for develop and scored with the difference in points (scored minus develop):
only the scored part counts for the goals. With `--part both`, `--show-errors` lists the develop
part's errors only (`--part scored --show-errors` to read the scored part's, deliberately).
`--list-part scored` prints the ids of the held-out documents (one a line, nothing read) and exits.
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
from collections.abc import Container, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.splits import PARTS, part_of
from extractors.data_files import fold
from intake.pipeline import PageOutcome, documents_from_outcomes, read_page_outcome
from models import Document, Upload
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


def page_outcomes(path: Path, cache: Path | None = None) -> tuple[Upload, list[PageOutcome]] | None:
    """One accepted file and its pages read (None: the upload rules refuse it). With `cache`, the pages
    read (OCR) are kept there and reused: to iterate on extraction rules only."""
    report = check_uploads([path])
    if not report.accepted:
        return None
    upload = report.accepted[0]
    stored = cache / f"{path.name}.{upload.sha256[:16]}.pickle" if cache else None
    if stored is not None and stored.exists():
        outcomes = pickle.loads(stored.read_bytes())
    else:
        outcomes = [read_page_outcome(upload, n) for n in range(1, upload.page_count + 1)]
        if stored is not None:
            stored.write_bytes(pickle.dumps(outcomes))
    return upload, outcomes


def extract_one(path: Path, cache: Path | None = None) -> list[Document]:
    """One file through the pipeline stages (pages in order, no Prefect): its Documents, one per proof
    (`cache`: see `page_outcomes`)."""
    read = page_outcomes(path, cache)
    return documents_from_outcomes(*read) if read else []


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


def score(files: list[Path], docs: list, fields: tuple[str, ...], show: bool, scan_groups: bool | None = None) -> dict:
    """Counts per (group, field): right, wrong, missing, confident_wrong, total. `docs[i]` is the list
    of Documents read from `files[i]`. The `scan` / `text` groups are counted when `scan_groups`, or
    (None) when some file is a `-scan` variant."""
    counts: dict = defaultdict(lambda: defaultdict(int))
    if scan_groups is None:
        scan_groups = any(p.stem.endswith("-scan") for p in files)
    for path, doc in zip(files, docs, strict=True):
        truth = derived_truth(json.loads(path.with_suffix(".json").read_text(encoding="utf-8")))
        groups = ["all"] + ([("clean" if truth["variant"] == "clean" else "degraded")] if truth.get("variant") else [])
        if scan_groups:
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


def set_name_of(folder: Path) -> str:
    """The name of the set a folder holds, for the split: the folder's own name."""
    return folder.resolve().name


def labelled_files(folder: Path) -> list[Path]:
    """The documents of a folder that have a ground truth (`<id>.json` beside them), sorted."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.with_suffix(".json").exists())


def score_parts(
    files: list[Path], docs: list, fields: tuple[str, ...], set_name: str, show: Container[str] = ()
) -> dict[str, dict]:
    """`score` per part of the validation split (bench/splits.py): {"develop": counts, "scored": counts},
    printing the errors of the parts in `show`. The `scan` / `text` groups are counted in both parts when
    some file of the whole set is a variant."""
    scan_groups = any(p.stem.endswith("-scan") for p in files)
    by_part: dict[str, dict] = {}
    for part in PARTS:
        chosen = [(path, doc) for path, doc in zip(files, docs, strict=True) if part_of(set_name, path.stem) == part]
        by_part[part] = score([p for p, _ in chosen], [d for _, d in chosen], fields, part in show, scan_groups)
    return by_part


def merged(counts: Iterable[dict]) -> dict:
    """Counts added up key by key (the parts' counts make the whole set's)."""
    out: dict = defaultdict(lambda: defaultdict(int))
    for one in counts:
        for key, c in one.items():
            for name, n in c.items():
                out[key][name] += n
    return out


def ordered(keys: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(group, field) keys in report order: group `all` first, then groups by name; fields in FIELDS' order."""
    return sorted(keys, key=lambda k: (k[0] != "all", k[0], FIELDS.index(k[1])))


def figures(c: dict | None) -> dict:
    """n, accuracy (None when n is 0), wrong, missing, confident_wrong of one (group, field)'s counts."""
    c = c or {}
    n = c.get("total", 0)
    return {
        "n": n,
        "accuracy": c.get("right", 0) / n if n else None,
        "wrong": c.get("wrong", 0),
        "missing": c.get("missing", 0),
        "confident_wrong": c.get("confident_wrong", 0),
    }


def side_by_side(by_part: dict[str, dict]) -> list[dict]:
    """One row per (group, field) of either part: its develop and scored figures and `diff`, scored minus
    develop accuracy in points (None when a part has no case)."""
    develop, scored = by_part.get("develop", {}), by_part.get("scored", {})
    rows = []
    for group, name in ordered(set(develop) | set(scored)):
        d, s = figures(develop.get((group, name))), figures(scored.get((group, name)))
        both = d["accuracy"] is not None and s["accuracy"] is not None
        diff = round((s["accuracy"] - d["accuracy"]) * 100, 1) if both else None
        rows.append({"group": group, "field": name, "develop": d, "scored": s, "diff": diff})
    return rows


def _cells(f: dict) -> str:
    accuracy = f"{f['accuracy']:>10.1%}" if f["accuracy"] is not None else f"{'-':>10}"
    return f"{f['n']:>5}{accuracy}{f['wrong']:>7}{f['missing']:>9}{f['confident_wrong']:>12}"


def table_lines(counts: dict) -> list[str]:
    """The per-(group, field) table: n, accuracy, wrong, missing, confidently wrong."""
    lines = [f"{'group':<10}{'field':<18}{'n':>5}{'accuracy':>10}{'wrong':>7}{'missing':>9}{'conf.wrong':>12}"]
    for group, name in ordered(counts):
        lines.append(f"{group:<10}{name:<18}{_cells(figures(counts[(group, name)]))}")
    return lines


def side_by_side_lines(by_part: dict[str, dict]) -> list[str]:
    """The side-by-side table of `side_by_side`: develop's columns, then scored's, then the difference."""
    columns = f"{'n':>5}{'accuracy':>10}{'wrong':>7}{'missing':>9}{'conf.wrong':>12}"
    lines = [
        "side by side: develop | scored (only the scored part counts for the goals); diff = scored - develop, in points",
        f"{'':<28}{'-- develop':<43}| -- scored",
        f"{'group':<10}{'field':<18}{columns} | {columns}{'diff':>8}",
    ]
    for row in side_by_side(by_part):
        diff = f"{row['diff']:>+8.1f}" if row["diff"] is not None else f"{'-':>8}"
        lines.append(f"{row['group']:<10}{row['field']:<18}{_cells(row['develop'])} | {_cells(row['scored'])}{diff}")
    return lines


def part_counts(files: Sequence[Path], set_name: str) -> dict[str, int]:
    """How many of the files are in each part."""
    return {part: sum(part_of(set_name, p.stem) == part for p in files) for part in PARTS}


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
    parser.add_argument(
        "--part",
        choices=("develop", "scored", "both"),
        default="both",
        help="the part of the validation split (bench/splits.py) to read; both: side by side (default)",
    )
    parser.add_argument("--list-part", choices=PARTS, help="print the ids of the documents in this part and exit")
    parser.add_argument("--set-name", help="the set's name for the split (default: the folder's name)")
    args = parser.parse_args()
    if not args.folder.is_dir():
        print(f"SKIP: no folder at {args.folder}")
        return 0
    set_name = args.set_name or set_name_of(args.folder)
    files = labelled_files(args.folder)
    if args.list_part:
        for path in files:
            if part_of(set_name, path.stem) == args.list_part:
                print(path.stem)
        return 0
    whole = part_counts(files, set_name)
    if args.part != "both":
        files = [p for p in files if part_of(set_name, p.stem) == args.part]
    files = files[: args.limit] if args.limit else files
    started, cpu_started = time.monotonic(), cpu_seconds()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        if args.ocr_cache:
            args.ocr_cache.mkdir(parents=True, exist_ok=True)
        docs = list(pool.map(lambda path: extract_one(path, args.ocr_cache), files))
    elapsed, cpu = time.monotonic() - started, cpu_seconds() - cpu_started
    pages = sum(len(d.pages) for doc in docs for d in doc)
    fields = tuple(args.fields.split(","))
    # the scored part's errors are not for reading while developing: shown only when asked for by name
    shown = (args.part,) if args.part != "both" else ("develop",)
    if args.show_errors and args.part == "both":
        print("  (errors of the develop part only: --part scored --show-errors shows the scored part's)")
    by_part = score_parts(files, docs, fields, set_name, shown if args.show_errors else ())
    counts = merged(by_part.values())
    print(
        f"{args.folder}: {len(files)} documents in {elapsed:.0f} s ({elapsed / max(len(files), 1):.2f} s each, {args.workers} workers)"
    )
    read = part_counts(files, set_name)
    print(
        f"split of {set_name} (bench/splits.py): develop {whole['develop']}, scored {whole['scored']} documents;"
        f" part {args.part}: {read['develop']} develop + {read['scored']} scored read"
    )
    print("\n".join(table_lines(counts)))
    if args.part == "both":
        print("\n".join(side_by_side_lines(by_part)))
    print(f"CPU: {cpu:.1f} s for {pages} pages = {cpu / max(pages, 1):.2f} s per page (this process + Tesseract)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
