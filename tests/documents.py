"""Small realistic documents for integration tests, made with reportlab and rasterised with poppler."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import cv2
import numpy as np
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from extractors.preprocess import rotate_by, rotate_quadrant
from samples.generator import fakes
from samples.generator.corpus import generate
from samples.generator.render import image_pdf, rasterise

pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))

INVOICE_PAGE_1 = [
    ("PHARMACIE DES TILLEULS", 16),
    ("12 rue des Lilas, 69003 Lyon - Tél. 04 78 12 34 56", 10),
    ("", 10),
    ("FACTURE N° 2021-0458", 14),
    ("Date de facture : 12/10/2021", 11),
    ("Patient : Mme Claire Dubois    Née le 03/04/1985", 11),
    ("", 10),
    ("Désignation                         Qté      Prix      Montant", 11),
    ("Doliprane 1000 mg cp 8              2        2,18 €    4,36 €", 11),
    ("Amoxicilline 1 g                    1        8,42 €    8,42 €", 11),
    ("Spasfon lyoc 80 mg                  1        4,27 €    4,27 €", 11),
]
INVOICE_TOTALS = [
    ("", 10),
    ("Sous-total                                            17,05 €", 11),
    ("dont TVA 2,1 %                                         0,35 €", 11),
    ("Net à payer                                           17,05 €", 12),
    ("", 10),
    ("Imprimé le 14/10/2021", 8),
]
EXPECTED = {"date": "2021-10-12", "total": "17.05", "currency": "EUR", "doc_type": "invoice"}


def write_pdf(path: Path, pages: list[list[tuple[str, int]]], pagesize=A4) -> Path:
    """A text-layer PDF, one list of (text, font size) lines per page."""
    pdf = canvas.Canvas(str(path), pagesize=pagesize)
    for lines in pages:
        y = pagesize[1] - 60
        for text, size in lines:
            pdf.setFont("DejaVu", size)
            pdf.drawString(50, y, text)
            y -= size * 1.8
        pdf.showPage()
    pdf.save()
    return path


def invoice_pdf(path: Path, two_pages: bool = False) -> Path:
    """The pharmacy invoice of EXPECTED, its totals on a second page when asked."""
    pages = [INVOICE_PAGE_1, INVOICE_TOTALS] if two_pages else [INVOICE_PAGE_1 + INVOICE_TOTALS]
    return write_pdf(path, pages)


def raster(pdf: Path, dpi: int = 200, page: int = 1) -> np.ndarray:
    """A grayscale raster of one PDF page (poppler)."""
    return rasterise(pdf, dpi)[page - 1]


def save_image(image: np.ndarray, path: Path, quality: int = 85) -> Path:
    """Write a JPG/PNG by extension."""
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if path.suffix.lower() in (".jpg", ".jpeg") else []
    cv2.imwrite(str(path), image, params)
    return path


def photo(pdf: Path, path: Path, rotate: int = 0, skew: float = 0.0, dpi: int = 200) -> Path:
    """A 'photo' of the PDF's first page: quarter-turned and/or skewed."""
    image = raster(pdf, dpi)
    if skew:
        image = rotate_by(image, skew)
    return save_image(rotate_quadrant(image, rotate), path)


def scanned_pdf(pdf: Path, path: Path, dpi: int = 200) -> Path:
    """An image-only PDF (no text layer) of every page of `pdf`."""
    return image_pdf(rasterise(pdf, dpi), path)


def pharmacy_pair(folder: Path, person_seed: int, seed: int, day: date) -> tuple[Path, Path]:
    """A generated pharmacy invoice (no third-party payment) and its prescription for one generated
    patient, cared for on `day`: `facture.pdf` (generator seed `seed`) and `ordonnance.pdf` (`seed + 1`)
    in `folder`."""
    who = fakes.person(random.Random(person_seed), 1970, 1990)
    invoice, prescription = folder / "facture.pdf", folder / "ordonnance.pdf"
    generate("pharmacy_invoice", "pdf_text", "clean", seed, invoice, patient=who, day=day, third_party=False)
    generate("prescription", "pdf_text", "clean", seed + 1, prescription, patient=who, day=day)
    return invoice, prescription


def quarantined(storage, claim_id: str, file: str):
    """The quarantine entry of a claim for the received file `file` (its name as received)."""
    from intake.claim_store import ClaimStore

    entries = [e for e in ClaimStore(storage).quarantined(claim_id) if e.file == file]
    assert entries, f"no quarantine entry for {file}"
    return entries[0]
