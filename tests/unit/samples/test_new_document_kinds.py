"""The administrative document builders (quote, RIB, rights certificate, prior authorisation, posting
certificate, birth certificate): they build in every form and page count, their ground truth is coherent,
their identifiers carry valid keys, their text stays on the page, and a seed gives the same document."""

from __future__ import annotations

import itertools
import random
from datetime import date
from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from schwifty import IBAN
from stdnum import bic, iban
from stdnum.fr import nir, siret

from samples.generator import fakes, render
from samples.generator.corpus import SUFFIX, build_corpus
from samples.generator.documents import REGISTRY, common

KINDS = ("quote", "bank_details", "rights_certificate", "prior_authorisation", "posting_certificate", "birth_certificate")
FORMS = {
    "prior_authorisation": ("s2", "dialysis", "da1", "agreement"),
    "posting_certificate": ("a1", "employer", "mission"),
    "birth_certificate": ("extract", "plain", "copy"),
}
CARE_TYPES = {
    "quote": {"dental", "optical", "hearing"},
    "prior_authorisation": {"hospitalisation", "physiotherapy", "spa_cure", "transport", "dental", "medical_equipment", None},
}
KEYS = set(common.truth("x", "x", None, date(2020, 1, 1)))


def build(kind: str, seed: int, pages: int = 1, **options):
    return REGISTRY[kind](random.Random(seed), pages=pages, **options)


def texts(doc) -> list[str]:
    return [cell.text for row in doc.header + doc.body + doc.totals + doc.footer for cell in row.cells]


def samples(kind: str, count: int = 60):
    for seed in range(count):
        yield build(kind, seed, pages=1 + seed % 3)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_builds_with_its_doc_type(kind):
    for doc in samples(kind):
        record = doc.truth
        assert set(record) == KEYS and record["kind"] == kind and record["doc_type"] == kind
        assert record["care_type"] in CARE_TYPES.get(kind, {None})
        assert record["issuer"] and record["beneficiary"] and record["language"] == "fr"
        assert len(doc.body) >= 2, "a body of one row cannot be split over pages"


@pytest.mark.parametrize("kind", sorted(FORMS))
def test_every_form_builds(kind):
    for form in FORMS[kind]:
        for seed in range(10):
            who = fakes.Person("Claire", "Martin", 2, date(1980, 5, 17))
            doc = build(kind, seed, pages=1 + seed % 2, patient=who, form=form)
            assert doc.truth["doc_type"] == kind and len(doc.body) >= 2


@pytest.mark.parametrize("care", sorted(CARE_TYPES["quote"]))
def test_quote_lines_sum_to_its_total(care):
    for seed in range(40):
        record = build("quote", seed, pages=1 + seed % 3, care_type=care).truth
        total = Decimal(record["total"])
        assert record["care_type"] == care and record["currency"] == "EUR" and record["gross_total"] == record["total"]
        assert sum(Decimal(line["amount"]) for line in record["lines"]) == total > 0
        assert record["date"] < record["stay"]["to"], "the validity ends after the quote's date"


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "quote"])
def test_non_amount_kinds_have_no_amount(kind):
    for doc in samples(kind, 30):
        assert doc.truth["total"] is None and doc.truth["currency"] is None and doc.truth["lines"] is None


def test_rib_key_and_iban_helpers():
    assert fakes.rib_key("30006", "00001", "12345678901") == "89"  # FR76 3000 6000 0112 3456 7890 189
    number, branch, account, key = fakes.fr_iban(random.Random(1), "30004")
    assert number == f"FR{number[2:4]}30004{branch}{account}{key}" and iban.is_valid(number)
    assert fakes.spaced_iban(number).replace(" ", "") == number and len(fakes.spaced_iban(number).split()[0]) == 4


def test_bank_details_iban_and_bic_are_valid_and_printed():
    for doc in samples("bank_details", 80):
        record, shown = doc.truth, " ".join(texts(doc))
        ids = record["identifiers"]
        assert set(ids) == {"iban", "bic"} and record["date"] is None
        assert ids["iban"].startswith("FR") and len(ids["iban"]) == 27 and " " not in ids["iban"]
        assert iban.is_valid(ids["iban"]) and IBAN(ids["iban"], validate_bban=True).country_code == "FR"  # RIB key too
        assert bic.is_valid(ids["bic"]) and len(ids["bic"]) in (8, 11) and ids["bic"] in shown
        assert ids["iban"] in shown or fakes.spaced_iban(ids["iban"]) in shown
        assert record["print_date"] is None or "print_date" in record["traps"]


@pytest.mark.parametrize("kind", ["rights_certificate", "prior_authorisation", "posting_certificate", "quote"])
def test_nir_and_siret_are_valid_and_match_the_person(kind):
    seen = 0
    for doc in samples(kind, 80):
        ids = doc.truth["identifiers"]
        if "siret" in ids:
            assert siret.is_valid(ids["siret"])
        if "nir" not in ids:
            continue
        seen += 1
        assert len(ids["nir"]) == 15 and nir.is_valid(ids["nir"])
        born = doc.truth["beneficiary_birth_date"]
        assert born is None or ids["nir"][1:5] == f"{born[2:4]}{born[5:7]}", "NIR year and month of birth"
    assert seen


@pytest.mark.parametrize("kind", KINDS)
def test_dates_are_coherent(kind):
    for doc in samples(kind):
        record = doc.truth
        day = record["date"]
        assert (day is None) == (kind == "bank_details")
        period = [record["stay"]["from"], record["stay"]["to"]] if record["stay"] else []
        for value in filter(None, [day, record["print_date"], record["due_date"], *period]):
            assert "2019-01-01" <= value <= common.LATEST.isoformat(), (kind, value)
        assert period == sorted(period)
        if day and record["print_date"]:
            assert record["print_date"] > day
        if day and record["beneficiary_birth_date"]:
            assert record["beneficiary_birth_date"] < day


@pytest.mark.parametrize("kind", KINDS)
def test_given_day_and_patient_are_used(kind):
    who, day = fakes.Person("Hugo", "Mercier", 1, date(1984, 2, 29)), date(2023, 3, 1)
    for seed in range(10):
        record = build(kind, seed, patient=who, day=day).truth
        assert record["beneficiary"] == who.name
        if kind == "bank_details":
            assert record["date"] is None and record["print_date"] in (day.isoformat(), None)
        else:
            assert record["date"] == day.isoformat()
    record = build("birth_certificate", 3, patient=who, day=day).truth
    assert record["beneficiary_birth_date"] == "1984-02-29"


def test_a_minor_is_a_dependant_on_the_rights_certificate():
    child = fakes.Person("Zoé", "Perrin", 2, date(2015, 6, 1))
    for seed in range(10):
        doc = build("rights_certificate", seed, patient=child, day=date(2024, 1, 15))
        assert doc.truth["beneficiary"] != child.name and doc.truth["beneficiary"].endswith("Perrin")
        assert any("PERRIN Zoé" in text for text in texts(doc))


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_document(kind):
    for seed in (0, 7, 42):
        first, second = build(kind, seed, pages=2), build(kind, seed, pages=2)
        assert first.truth == second.truth and texts(first) == texts(second) and first.style == second.style
    assert build(kind, 1).truth != build(kind, 2).truth


def test_same_corpus_seed_same_files(tmp_path):
    first = build_corpus(tmp_path / "a", seed=8, count=len(KINDS), kinds=KINDS)
    second = build_corpus(tmp_path / "b", seed=8, count=len(KINDS), kinds=KINDS)
    assert first == second and {r["kind"] for r in first} == set(KINDS)
    for record in first:
        name = record["id"] + SUFFIX[record["format"]]
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def spans(row, style, width):
    size = row.size or style.size
    font = f"{row.family or style.family}{'-bold' if row.bold else ''}"
    for cell in row.cells:
        length, x = stringWidth(cell.text, font, size), cell.x * width
        yield {"l": (x, x + length), "r": (x - length, x), "c": (x - length / 2, x + length / 2)}[cell.align]


@pytest.mark.parametrize("kind", KINDS)
def test_text_stays_on_the_page_without_overlaps(kind):
    for seed in range(40):
        pages = 1 + seed % 3
        doc = build(kind, seed, pages=pages)
        for style, top, bottom in render.layout_pages(doc, pages, A4):
            width = render.content_box(style, A4)[1]
            assert render.fits((style, top, bottom), A4)
            for row in (r for r in top + bottom if r.kind in ("text", "box")):
                placed = sorted(spans(row, style, width))
                assert all(left >= -2 and right <= width + 2 for left, right in placed), (kind, seed, row.cells[0].text)
                assert all(a[1] + 2 <= b[0] for a, b in itertools.pairwise(placed)), (kind, seed, [c.text for c in row.cells])
