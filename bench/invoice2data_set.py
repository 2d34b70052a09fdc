"""Build a labelled set of invoices from a new source: invoice2data's own test invoices.

Usage: python bench/invoice2data_set.py REPO OUT_DIR

REPO is a clone of https://github.com/invoice-x/invoice2data (MIT; a bare clone will do): its
`tests/compare/<name>.pdf` files are real invoices of other shops and layouts than the corpus (an
Amazon Web Services bill, a French ISP's, Dutch and German web shops', Indian hotel and retail
invoices), each with `<name>.json`, the fields invoice2data's templates extract and its tests check.
OUT_DIR receives, per invoice, `<name>.pdf` and `<name>.json` in bench/accuracy.py's format (`date`,
`total` - invoice2data's `amount`, the amount due -, `currency`), and a degraded scan of its first page
(`<name>-scan.jpg`: 200 dpi, grey, JPEG quality 60) whose truth keeps the total only when the first
page prints it (a later page's total is not on the scan). Nothing is copied into the project: measure
with `bench/accuracy.py OUT_DIR --part both`; the split is bench/splits.py's, as for any set.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.fields.amounts import parse_amount

COMPARE = "tests/compare"
SCAN_DPI = "200"
SCAN_QUALITY = "quality=60"


def _read(repo: Path, relative: str) -> bytes:
    """A file of the clone, from its work tree, else from HEAD (a bare clone)."""
    path = repo / relative
    if path.is_file():
        return path.read_bytes()
    return subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{relative}"], capture_output=True, check=True).stdout


def _names(repo: Path) -> list[str]:
    """The invoices of tests/compare that have both a PDF and expected fields."""
    folder = repo / COMPARE
    if folder.is_dir():
        files = [p.name for p in folder.iterdir()]
    else:
        listing = subprocess.run(
            ["git", "-C", str(repo), "ls-tree", "--name-only", f"HEAD:{COMPARE}"], capture_output=True, check=True, text=True
        )
        files = listing.stdout.split()
    return sorted(n[:-4] for n in files if n.endswith(".pdf") and f"{n[:-4]}.json" in files)


def truth_of(expected: object, source: str) -> dict | None:
    """bench/accuracy.py's truth from invoice2data's expected output (a list of one dict, or a dict);
    None when it names no amount, date or currency."""
    record = expected[0] if isinstance(expected, list) and expected else expected
    if not isinstance(record, dict) or not {"amount", "date", "currency"} <= set(record):
        return None
    return {
        "date": str(record["date"])[:10],
        "total": f"{float(record['amount']):.2f}",
        "currency": str(record["currency"]),
        "source": source,
    }


NUMBER = re.compile(r"\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?")


def prints_amount(text: str, total: str) -> bool:
    """Whether the text prints the amount, however it is written (`4.904,94`, `Rs 1939`)."""
    return any(parse_amount(m.group(0)) == Decimal(total) for m in NUMBER.finditer(text))


def printed_on_first_page(pdf: Path, total: str) -> bool:
    """Whether page 1's text prints the total."""
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    return prints_amount(text, total)


def write_scan(pdf: Path, out: Path) -> None:
    """Page 1 rendered as a poor office scan."""
    stem = out.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            SCAN_DPI,
            "-f",
            "1",
            "-l",
            "1",
            "-gray",
            "-jpeg",
            "-jpegopt",
            SCAN_QUALITY,
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2])
        return 2
    repo, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for name in _names(repo):
        truth = truth_of(json.loads(_read(repo, f"{COMPARE}/{name}.json")), f"invoice-x/invoice2data {COMPARE}/{name}")
        if truth is None:
            print(f"skip {name}: no amount, date or currency expected")
            continue
        pdf = out / f"{name}.pdf"
        pdf.write_bytes(_read(repo, f"{COMPARE}/{name}.pdf"))
        (out / f"{name}.json").write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
        write_scan(pdf, out / f"{name}-scan.jpg")
        scan_truth = truth if printed_on_first_page(pdf, truth["total"]) else {k: v for k, v in truth.items() if k != "total"}
        (out / f"{name}-scan.json").write_text(json.dumps(scan_truth, indent=1) + "\n", encoding="utf-8")
        written += 1
    print(f"{written} invoices (and their first pages scanned) in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
