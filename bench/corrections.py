"""Replay the managers' corrections against the current extraction code.

Usage: python bench/corrections.py [--root DIR] [--json] [--show]

When a manager corrects a field or a document's type on the review desk (review/desk.py, `Desk._label`),
a labelled example is written to the storage at `labels/corrections/<claim_id>/<seq>.json`:

    {"claim_id": "CLM-...", "document": "ticket.jpg#0", "file": "ticket.jpg", "part": null,
     "sha256": "...", "original": "claims/CLM-.../originals/ticket.jpg",
     "field": "total" (or "doc_type"), "machine_doc_type": "receipt",
     "machine_value": "648.63", "machine_raw": "$648.63", "machine_confidence": 0.47,
     "page": 1, "bbox": {...} or null, "corrected_value": "648.00", "by": "marie", "at": "...", "seq": 1}

A manager may correct the same field twice: the label with the highest `seq` per (claim_id, document,
field) is the truth. Each labelled original is read once from the storage (into a temporary folder, under
its own name) and extracted as the service does for one file (`check_uploads` + `extract_report`); the
document with the label's `part` (None/0: the file's first) gives the value now: its field's value, or
its type for "doc_type". Per field it prints how many examples the code now gets right (== the corrected
value), still reads as the machine did (== machine_value), reads as some other value, or misses; and
overall how many of the corrected values (those that differ from the machine's) are now fixed.

The storage is the one the INTAKE_* environment variables describe (infra/storage/settings.py), or the
local folder given with --root. --json prints the figures as JSON; --show lists the examples not right (on stderr with --json).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from infra.storage import LocalStorage, NotFound, Storage, open_storage
from intake.pipeline import extract_report
from models import Document
from validators.upload import check_uploads

LABELS = "labels/corrections/"
OUTCOMES = ("now_right", "as_machine", "other", "missing")


def load_labels(storage: Storage) -> list[dict]:
    """The latest label (highest seq) per (claim, document, field), in key order."""
    latest: dict[tuple, dict] = {}
    for info in storage.list(LABELS):
        if not info.key.endswith(".json"):
            continue
        label = json.loads(storage.get_bytes(info.key))
        key = (label["claim_id"], label["document"], label["field"])
        if key not in latest or label["seq"] > latest[key]["seq"]:
            latest[key] = label
    return list(latest.values())


def extract_original(storage: Storage, original: str, folder: Path) -> list[Document] | None:
    """The Documents the current code makes of one stored original (None: the original is not stored)."""
    try:
        data = storage.get_bytes(original)
    except NotFound:
        return None
    path = folder / PurePosixPath(original).name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return [d for d in extract_report(check_uploads([path])) if isinstance(d, Document)]


def pick_document(documents: list[Document], part: int | None) -> Document | None:
    """The document with the label's part (None/0: the file's first)."""
    if not part:
        return documents[0] if documents else None
    return next((d for d in documents if d.part == part), None)


def value_now(document: Document | None, field: str) -> str | None:
    if document is None:
        return None
    if field == "doc_type":
        return document.doc_type.value
    found = document.fields.get(field)
    return found.value if found else None


def outcome(label: dict, value: str | None) -> str:
    if value is None:
        return "missing"
    if value == label["corrected_value"]:
        return "now_right"
    return "as_machine" if value == label["machine_value"] else "other"


def replay(storage: Storage, labels: list[dict]) -> tuple[list[tuple[dict, str | None]], int]:
    """Each label with the value the code reads now; and how many labels had no stored original (left out)."""
    by_original: dict[str, list[dict]] = defaultdict(list)
    for label in labels:
        by_original[label["original"]].append(label)
    results, unavailable = [], 0
    with tempfile.TemporaryDirectory(prefix="corrections-") as tmp:
        for n, (original, group) in enumerate(sorted(by_original.items())):
            documents = extract_original(storage, original, Path(tmp) / str(n))
            if documents is None:
                print(f"  no original at {original}: {len(group)} label(s) left out", file=sys.stderr)
                unavailable += len(group)
                continue
            results += [(label, value_now(pick_document(documents, label["part"]), label["field"])) for label in group]
    return results, unavailable


def figures(results: list[tuple[dict, str | None]], unavailable: int) -> dict:
    """Counts overall and per field; `fixed` of `corrected`: labels whose value differs from the machine's."""
    fields: dict = defaultdict(lambda: dict.fromkeys(("examples", *OUTCOMES), 0))
    total = dict.fromkeys(("examples", *OUTCOMES), 0)
    fixed = corrected = 0
    for label, value in results:
        result = outcome(label, value)
        for counts in (fields[label["field"]], total):
            counts["examples"] += 1
            counts[result] += 1
        if label["corrected_value"] != label["machine_value"]:
            corrected += 1
            fixed += result == "now_right"
    return {
        **total,
        "fixed": fixed,
        "corrected": corrected,
        "unavailable": unavailable,
        "fields": {name: fields[name] for name in sorted(fields, key=lambda f: (f != "doc_type", f))},
    }


def print_table(stats: dict, where: str, elapsed: float) -> None:
    print(
        f"{where}: {stats['examples']} corrections replayed in {elapsed:.0f} s"
        + (f" ({stats['unavailable']} without their original, left out)" if stats["unavailable"] else "")
    )
    print(f"{'field':<24}{'examples':>9}{'now right':>11}{'as machine':>12}{'other':>7}{'missing':>9}")
    rows = [*stats["fields"].items(), ("all", stats)]
    for name, c in rows:
        print(f"{name:<24}{c['examples']:>9}{c['now_right']:>11}{c['as_machine']:>12}{c['other']:>7}{c['missing']:>9}")
    print(f"fixed since the correction: {stats['fixed']} of {stats['corrected']}")


def print_misses(results: list[tuple[dict, str | None]], out=sys.stdout) -> None:
    for label, value in results:
        if outcome(label, value) != "now_right":
            print(
                f"  {label['claim_id']} {label['document']} {label['field']}: machine {label['machine_value']!r}"
                f" corrected {label['corrected_value']!r} now {value!r}",
                file=out,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="a local storage folder (default: the INTAKE_* environment)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--show", action="store_true", help="list the examples the code does not get right")
    args = parser.parse_args()
    if args.root and not args.root.is_dir():
        parser.error(f"no folder at {args.root}")
    storage = LocalStorage(args.root) if args.root else open_storage()
    started = time.monotonic()
    results, unavailable = replay(storage, load_labels(storage))
    stats = figures(results, unavailable)
    if args.json:
        print(json.dumps(stats, indent=1))
    else:
        print_table(stats, storage.describe(), time.monotonic() - started)
    if args.show:
        print_misses(results, sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
