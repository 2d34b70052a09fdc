"""Real e-invoices (../shared/corpus/einvoice-dev, see its README): their PDFs come with the XML removed,
so none must give an e-invoice; with a CII XML of their ground truth attached again, each one's Document
takes the XML's date, total and currency, and a page read right raises no `structured_data_mismatch`
(no false alarm on real layouts). Skipped when the corpus is absent. About 30 s on 2 cores."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from extractors.einvoice import read_einvoice
from intake.pipeline import documents_from_outcomes, read_page_outcome
from models import Document, FlagCode
from tests.conftest import CORPUS
from tests.einvoices import attach, cii
from validators.upload import check_uploads

FOLDER = CORPUS / "einvoice-dev"
pytestmark = pytest.mark.skipif(not FOLDER.is_dir(), reason=f"no e-invoice corpus at {FOLDER} (../shared/corpus/einvoice-dev)")


def pdfs() -> list[Path]:
    return sorted(FOLDER.glob("*.pdf"))


def truth_of(pdf: Path) -> dict:
    return json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))


def document_of(path: Path) -> Document:
    upload = check_uploads([path]).accepted[0]
    outcomes = [read_page_outcome(upload, n) for n in range(1, upload.page_count + 1)]
    return documents_from_outcomes(upload, outcomes)[0]


def test_the_corpus_pdfs_carry_no_xml_any_more():
    assert pdfs(), f"no PDF in {FOLDER}"
    assert [p.name for p in pdfs() if read_einvoice(p) is not None] == []


def test_with_their_xml_attached_again_real_invoices_take_its_values_without_false_alarm(tmp_path):
    def run(pdf: Path) -> tuple[str, dict, Document]:
        truth = truth_of(pdf)
        xml = cii(
            date=truth["date"].replace("-", ""),
            due=truth["total"],
            grand=truth.get("grand_total") or truth["total"],
            currency=truth["currency"],
            lines=(),
        )
        return pdf.name, truth, document_of(attach(pdf, {"factur-x.xml": xml}, tmp_path / pdf.name))

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, pdfs()))
    wrong, alarms = [], []
    for name, truth, document in results:
        got = {k: document.fields[k].value if k in document.fields else None for k in ("date", "total", "currency")}
        if got != {k: truth[k] for k in got} or document.doc_type.value != "invoice":
            wrong.append((name, got))
        alarms += [(name, f.details) for f in document.flags if f.code is FlagCode.STRUCTURED_DATA_MISMATCH]
    assert wrong == []
    assert alarms == []
