"""The sample generator: determinism, coherent ground truth, file limits and shapes, really malformed files."""

from __future__ import annotations

import json
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pikepdf
import pypdf
import pytest
from PIL import Image
from stdnum import luhn
from stdnum.fr import nir, siret

from samples.generator import malformed as mf
from samples.generator.corpus import SUFFIX, VARIANTS, build_corpus, plan
from samples.generator.documents import REGISTRY

UNPRICED = {
    "prescription",
    "bank_details",
    "rights_certificate",
    "prior_authorisation",
    "posting_certificate",
    "birth_certificate",
}

MAX_BYTES = 3 * 1024 * 1024
A4_RATIO = 297 / 210
REQUESTS = Path(__file__).resolve().parents[3] / "samples" / "requests"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[dict]]:
    """Every variant for every document kind at least once across formats (2 rounds of kinds x variants)."""
    out = tmp_path_factory.mktemp("corpus")
    return out, build_corpus(out, seed=11, count=len(REGISTRY) * 3)


def truths(count: int = 400) -> list[dict]:
    """Ground truths straight from the builders (no rendering: fast)."""
    kinds = list(REGISTRY)
    return [REGISTRY[kinds[i % len(kinds)]](random.Random(i), pages=1 + i % 2).truth for i in range(count)]


def test_same_seed_same_truth_and_files(tmp_path):
    first = build_corpus(tmp_path / "a", seed=3, count=len(REGISTRY))
    second = build_corpus(tmp_path / "b", seed=3, count=len(REGISTRY))
    assert first == second
    for record in first:
        for suffix in (".json", SUFFIX[record["format"]]):
            name = record["id"] + suffix
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_other_seed_other_documents(tmp_path):
    assert build_corpus(tmp_path / "a", seed=4, count=3) != build_corpus(tmp_path / "b", seed=5, count=3)


def test_plan_is_balanced():
    steps = plan(seed=1, count=len(REGISTRY) * len(VARIANTS))
    assert {kind for kind, _, _ in steps} == set(REGISTRY)
    for kind in REGISTRY:
        assert sorted(v for k, _, v in steps if k == kind) == sorted(VARIANTS)


def test_lines_sum_to_total():
    for record in truths():
        if record["total"] is None:
            assert record["doc_type"] in UNPRICED and record["currency"] is None
            continue
        gross, paid = Decimal(record["gross_total"]), Decimal(record["total"])
        if record["lines"] is not None:
            assert sum(Decimal(line["amount"]) for line in record["lines"]) == gross, record["kind"]
        deducted = {"third_party_payment", "already_paid"} & set(record["traps"])
        assert paid == gross or (deducted and 0 < paid < gross)


def test_dates_are_plausible():
    for record in truths():
        dates = [record["date"], record["print_date"], record["due_date"], *(record["sessions"] or [])]
        if record["stay"]:
            dates += [record["stay"]["from"], record["stay"]["to"]]
        for value in filter(None, dates):
            assert date(2019, 1, 1) <= date.fromisoformat(value) <= date(2026, 11, 1), (record["kind"], value)
        if record["print_date"] and record["date"]:
            assert record["print_date"] > record["date"]
        if record["beneficiary_birth_date"]:
            assert record["beneficiary_birth_date"] < record["date"]


def test_identifiers_have_valid_keys():
    for record in truths(120):
        ids = record["identifiers"]
        assert "siret" not in ids or siret.is_valid(ids["siret"])
        assert "nir" not in ids or nir.is_valid(ids["nir"])
        for key, length in (("rpps", 11), ("finess", 9), ("adeli", 9)):
            assert key not in ids or (len(ids[key]) == length and luhn.is_valid(ids[key])), key


def test_ground_truth_files_have_every_key(corpus):
    out, records = corpus
    keys = set(records[0])
    for record in records:
        assert json.loads((out / f"{record['id']}.json").read_text(encoding="utf-8")) == record
        assert set(record) == keys and record["format"] and record["variant"]


def test_files_are_small_enough(corpus):
    out, records = corpus
    for record in records:
        size = (out / f"{record['id']}{SUFFIX[record['format']]}").stat().st_size
        assert 0 < size <= MAX_BYTES, record["id"]


def sideways(record: dict) -> bool:
    return record["variant"] == "landscape" or record["rotation"] in (90, 270)


def test_page_shapes_and_counts(corpus):
    out, records = corpus
    for record in records:
        path = out / f"{record['id']}{SUFFIX[record['format']]}"
        if record["format"].startswith("pdf"):
            reader = pypdf.PdfReader(path)
            assert len(reader.pages) == record["pages"]
            sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
        else:
            sizes = [Image.open(path).size]
            assert record["pages"] == 1
        for width, height in sizes:
            long, short = max(width, height), min(width, height)
            assert abs(long / short - A4_RATIO) < 0.02, record["id"]
            assert (width > height) == sideways(record), record["id"]
        if record["variant"] == "multipage":
            assert record["pages"] >= 2


def test_text_layer_only_in_text_pdfs(corpus):
    out, records = corpus
    for record in records:
        if record["format"].startswith("pdf"):
            text = "".join(p.extract_text() for p in pypdf.PdfReader(out / f"{record['id']}.pdf").pages).strip()
            assert bool(text) == (record["format"] == "pdf_text"), record["id"]


def test_malformed_files_are_malformed(tmp_path):
    made = mf.write_all(tmp_path)
    assert made["empty.pdf"].stat().st_size == 0
    for name in ("truncated.pdf", "text.pdf"):
        with pytest.raises(pypdf.errors.PyPdfError):
            pypdf.PdfReader(made[name]).pages[0].extract_text()
        with pytest.raises(pikepdf.PdfError):
            pikepdf.open(made[name])
    for name in ("truncated.jpg", "garbage.jpg", "garbage.png"):
        with pytest.raises(OSError), Image.open(made[name]) as image:
            image.load()
    assert Image.open(made["scan.gif"]).format == "GIF"
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(made["locked.pdf"])
    with pikepdf.open(made["locked.pdf"], password="secret") as pdf:
        assert len(pdf.pages) == 1
    with pikepdf.open(made["restricted.pdf"]) as pdf:
        assert pdf.is_encrypted and not pdf.allow.extract
    assert made["huge.jpg"].stat().st_size > MAX_BYTES and Image.open(made["huge.jpg"]).format == "JPEG"
    box = pypdf.PdfReader(made["landscape.pdf"]).pages[0].mediabox
    assert box.width > box.height
    assert Image.open(made["tiny.png"]).format == "PNG"


def test_bundled_requests_match_their_expected_files():
    total = 0
    for folder in sorted(p for p in REQUESTS.iterdir() if p.is_dir()):
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        files = {p.name for p in folder.iterdir()} - {"expected.json", "claim.expected.json", "manifest.json"}
        assert files == set(expected), folder.name
        for name, want in expected.items():
            size = (folder / name).stat().st_size
            total += size
            assert size <= MAX_BYTES and isinstance(want["flags"], list)
            assert "doc_type" in want or want["flags"], name
    assert total < 6 * 1024 * 1024
    assert (REQUESTS / "rejects" / "ticket.pdf").read_bytes().startswith(b"\x89PNG")
