"""The validation split of the labelled sets (bench/splits.py) and bench/accuracy.py's develop / scored
report, on a small fake result set (no OCR)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.accuracy import merged, score, score_parts, side_by_side, side_by_side_lines, table_lines
from bench.splits import original_id, part_of, part_of_path
from models import DocType, Document, Field, MediaType

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("set_name", "doc_id", "part"),
    [
        ("sroie-dev", "sroie-000", "develop"),
        ("sroie-dev", "sroie-045", "scored"),
        ("sroie-train", "sroie-train-000", "develop"),
        ("sroie-train", "sroie-train-001", "scored"),
        ("einvoice-dev", "einv-0b4e9b42d9", "scored"),
        ("einvoice-dev", "einv-13c6fe3d17", "develop"),
    ],
)
def test_a_fixed_id_stays_in_its_part(set_name: str, doc_id: str, part: str) -> None:
    # computed once when the rule was written: a change here moves documents between the parts
    assert part_of(set_name, doc_id) == part


def test_the_set_name_is_part_of_the_hash() -> None:
    assert part_of("sroie-dev", "sroie-045") == "scored"
    assert part_of("sroie-train", "sroie-045") == "develop"


def test_a_scanned_variant_follows_its_original() -> None:
    assert original_id("einv-0b4e9b42d9-scan") == "einv-0b4e9b42d9"
    assert original_id("sroie-045") == "sroie-045"
    ids = [f"einv-{n:04d}" for n in range(200)]
    for doc_id in ids:
        assert part_of("einvoice-dev", f"{doc_id}-scan") == part_of("einvoice-dev", doc_id)
    assert {part_of("einvoice-dev", doc_id) for doc_id in ids} == {"develop", "scored"}
    assert part_of_path(Path("/x/einvoice-dev/einv-0b4e9b42d9-scan.jpg")) == "scored"
    assert part_of_path(Path("/x/einvoice-dev/einv-0b4e9b42d9.pdf")) == "scored"


def test_about_one_document_in_five_is_scored() -> None:
    parts = [part_of("some-set", f"doc-{n:05d}") for n in range(10_000)]
    assert 0.18 < parts.count("scored") / len(parts) < 0.22


# A fake set: doc-0..3 are in the develop part, doc-4..6 in the scored part (part_of("fake-set", ...)),
# doc-0-scan and doc-4-scan follow their originals. (file, date read, its confidence, total read, its confidence)
TRUTH = {"date": "2024-01-02", "total": "10.00"}
READ = [
    ("doc-0.jpg", "2024-01-02", 0.9, "10.00", 0.9),
    ("doc-0-scan.jpg", "2024-01-02", 0.9, None, 0.0),
    ("doc-1.jpg", "2024-02-01", 0.9, "10.00", 0.9),  # date confidently wrong
    ("doc-2.jpg", None, 0.0, "1.00", 0.5),  # date missing, total wrong (not confidently)
    ("doc-3.jpg", "2024-01-02", 0.9, "10.00", 0.9),
    ("doc-4.jpg", "2024-01-02", 0.9, "19.00", 0.95),  # total confidently wrong
    ("doc-4-scan.jpg", "2024-01-02", 0.9, "10.00", 0.9),
    ("doc-5.jpg", "2024-01-02", 0.9, "10.00", 0.9),
    ("doc-6.jpg", "2024-01-02", 0.4, "10.00", 0.9),
]


def fake_document(name: str, date: str | None, date_conf: float, total: str | None, total_conf: float) -> Document:
    fields = {
        key: Field(value=value, raw=value, confidence=conf, page=1, bbox=None, rule="fake")
        for key, value, conf in (("date", date, date_conf), ("total", total, total_conf))
        if value is not None
    }
    return Document(
        file=name,
        sha256="0" * 64,
        media_type=MediaType.JPEG,
        size=1,
        doc_type=DocType.RECEIPT,
        doc_type_score=0.9,
        fields=fields,
    )


@pytest.fixture
def fake_set(tmp_path: Path) -> tuple[list[Path], list[list[Document]]]:
    folder = tmp_path / "fake-set"
    folder.mkdir()
    files, docs = [], []
    for name, *read in READ:
        path = folder / name
        path.write_bytes(b"not read")
        path.with_suffix(".json").write_text(json.dumps(TRUTH), encoding="utf-8")
        files.append(path)
        docs.append([fake_document(name, *read)])
    return files, docs


def test_the_fake_set_is_split_as_described(fake_set) -> None:
    files, _ = fake_set
    scored = {p.stem for p in files if part_of("fake-set", p.stem) == "scored"}
    assert scored == {"doc-4", "doc-4-scan", "doc-5", "doc-6"}


def test_each_part_is_counted_on_its_own_documents(fake_set) -> None:
    files, docs = fake_set
    by_part = score_parts(files, docs, ("date", "total"), "fake-set")
    develop, scored = by_part["develop"], by_part["scored"]
    assert dict(develop[("all", "date")]) == {"total": 5, "right": 3, "wrong": 1, "missing": 1, "confident_wrong": 1}
    assert dict(develop[("all", "total")]) == {"total": 5, "right": 3, "wrong": 1, "missing": 1, "confident_wrong": 0}
    assert dict(scored[("all", "date")]) == {"total": 4, "right": 4, "confident_wrong": 0}
    assert dict(scored[("all", "total")]) == {"total": 4, "right": 3, "wrong": 1, "confident_wrong": 1}
    # the scan / text groups exist in both parts, decided on the whole set
    assert scored[("scan", "total")]["total"] == 1
    assert develop[("text", "date")]["total"] == 4
    # the parts add up to the whole set's figures, as scored before the split
    whole = score(files, docs, ("date", "total"), False)
    assert {k: dict(v) for k, v in merged(by_part.values()).items()} == {k: dict(v) for k, v in whole.items()}


def test_side_by_side_rows(fake_set) -> None:
    files, docs = fake_set
    rows = {(r["group"], r["field"]): r for r in side_by_side(score_parts(files, docs, ("date", "total"), "fake-set"))}
    assert list(rows)[:2] == [("all", "date"), ("all", "total")]
    date = rows[("all", "date")]
    assert date["develop"] == {"n": 5, "accuracy": 0.6, "wrong": 1, "missing": 1, "confident_wrong": 1}
    assert date["scored"] == {"n": 4, "accuracy": 1.0, "wrong": 0, "missing": 0, "confident_wrong": 0}
    assert date["diff"] == 40.0
    total = rows[("all", "total")]
    assert total["develop"]["accuracy"] == 0.6
    assert total["scored"] == {"n": 4, "accuracy": 0.75, "wrong": 1, "missing": 0, "confident_wrong": 1}
    assert total["diff"] == 15.0
    scan_total = rows[("scan", "total")]  # develop: doc-0-scan's total missing; scored: doc-4-scan right
    assert (scan_total["develop"]["accuracy"], scan_total["scored"]["accuracy"], scan_total["diff"]) == (0.0, 1.0, 100.0)


def test_a_field_absent_from_a_part_has_no_difference() -> None:
    by_part = {"develop": {("all", "date"): {"total": 2, "right": 1, "wrong": 1}}, "scored": {}}
    (row,) = side_by_side(by_part)
    assert row["scored"] == {"n": 0, "accuracy": None, "wrong": 0, "missing": 0, "confident_wrong": 0}
    assert row["diff"] is None
    assert side_by_side_lines(by_part)[-1].split() == [
        "all",
        "date",
        "2",
        "50.0%",
        "1",
        "0",
        "0",
        "|",
        "0",
        "-",
        "0",
        "0",
        "0",
        "-",
    ]


def test_printed_side_by_side_and_whole_tables(fake_set) -> None:
    files, docs = fake_set
    by_part = score_parts(files, docs, ("date", "total"), "fake-set")
    lines = side_by_side_lines(by_part)
    date_line = next(line for line in lines if line.startswith("all       date"))
    assert date_line.split() == ["all", "date", "5", "60.0%", "1", "1", "1", "|", "4", "100.0%", "0", "0", "0", "+40.0"]
    whole = table_lines(merged(by_part.values()))
    assert whole[0].split() == ["group", "field", "n", "accuracy", "wrong", "missing", "conf.wrong"]
    assert whole[1].split() == ["all", "date", "9", "77.8%", "1", "1", "1"]


def test_list_part_prints_the_held_out_ids(fake_set) -> None:
    files, _ = fake_set
    command = [sys.executable, str(REPO / "bench" / "accuracy.py"), str(files[0].parent), "--list-part", "scored"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert sorted(out.split()) == ["doc-4", "doc-4-scan", "doc-5", "doc-6"]
    named = subprocess.run([*command, "--set-name", "sroie-dev"], capture_output=True, text=True, check=True).stdout
    assert set(named.split()) != set(out.split())  # the split is the set's, by name
