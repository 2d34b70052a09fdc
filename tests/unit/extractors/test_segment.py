"""Cutting a multi-page file into proofs: page types, continuations, pages that read as no type, page
numbering, and an invoice's payment page kept with it while a RIB stays a proof of its own."""

from __future__ import annotations

import pytest

from extractors.classify import classify, page_scores
from extractors.layout import document_lines
from extractors.segment import (
    AFTER_RECEIPT_SPLIT_SCORE,
    SPLIT_SCORE,
    PageNumber,
    best_type,
    page_number,
    references,
    segment_pages,
)
from models import BBox, DocType, OcrPage, TextSource, Word


def page_of(number: int, *rows: str) -> OcrPage:
    """A text-layer page holding `rows`, one line each."""
    words = []
    for index, row in enumerate(rows):
        x = 10
        for token in row.split():
            words.append(
                Word(
                    text=token,
                    confidence=0.95,
                    bbox=BBox(x0=x, y0=60 * index, x1=x + 14 * len(token), y1=60 * index + 30),
                    block=1,
                    line=index,
                )
            )
            x += 14 * len(token) + 14
    return OcrPage(page=number, width=2480, height=3508, dpi=300, source=TextSource.TEXT_LAYER, words=tuple(words))


INVOICE = ("FACTURE N° 2025-114", "Date de facture : 12/03/2025", "Total TTC 84,00 €", "Net à payer 84,00 €", "TVA 20 %")
PRESCRIPTION = (
    "ORDONNANCE",
    "Dr Jean Martin médecin généraliste",
    "Prescription",
    "Posologie : 1 comprimé matin et soir",
    "Renouvelable 3 fois",
    "ordonnance bizone",
)


def test_a_first_page_of_no_type_joins_the_proof_that_follows() -> None:
    """A cover page with no keyword, then an invoice page: one proof (this used to raise KeyError)."""
    cover = page_of(1, "Lorem ipsum", "Sample", "Vielen Dank")
    groups = segment_pages([cover, page_of(2, *INVOICE)])
    assert [[p.page for p in g] for g in groups] == [[1, 2]]


def test_a_page_of_another_type_opens_a_new_proof() -> None:
    groups = segment_pages([page_of(1, *INVOICE), page_of(2, *PRESCRIPTION)])
    assert [[p.page for p in g] for g in groups] == [[1], [2]]


CARD_TICKET = ("TICKET CLIENT", "CARTE BANCAIRE", "SANS CONTACT", "DEBIT", "MONTANT 54,99 EUR", "A CONSERVER")
# a physiotherapy prescription without its title: what reads of it is weak ("séances de", a signature)
UNTITLED_PRESCRIPTION = ("Dr Claire Petit", "10 séances de rééducation du genou", "Signature")


def test_after_a_receipt_a_page_reading_weakly_as_another_kind_is_another_proof() -> None:
    """A ticket is one strip, already paid: no payment page, no continuation of another kind follows it."""
    kind, score = best_type(page_scores(document_lines([page_of(2, *UNTITLED_PRESCRIPTION)])))
    assert kind is DocType.PRESCRIPTION and AFTER_RECEIPT_SPLIT_SCORE <= score < SPLIT_SCORE
    groups = segment_pages([page_of(1, *CARD_TICKET), page_of(2, *UNTITLED_PRESCRIPTION)])
    assert [[p.page for p in g] for g in groups] == [[1], [2]]
    # after a bill, the same weak page does not open a proof of its own (a bill's pages go on in many ways)
    groups = segment_pages([page_of(1, *INVOICE), page_of(2, *UNTITLED_PRESCRIPTION)])
    assert [[p.page for p in g] for g in groups] == [[1, 2]]


def test_untyped_pages_between_typed_ones_stay_with_the_proof() -> None:
    groups = segment_pages([page_of(1, *INVOICE), page_of(2, "Conditions générales"), page_of(3, "Annexe")])
    assert [[p.page for p in g] for g in groups] == [[1, 2, 3]]


# A bill and the page of its payment details (issue 24): the bank page reads as a RIB on its own, but it
# belongs to the invoice when nothing on it is a RIB's own layout and something ties it to the invoice.
SELLER_IBAN = "IBAN FR76 3000 6000 0112 3456 7890 189"
CLAIMANT_IBAN = "IBAN FR76 3000 4000 0100 0123 4567 830"
PAYMENT_PAGE = ("Coordonnées bancaires", "Bénéficiaire : Cabinet Martin", SELLER_IBAN, "BIC AGRIFRPP")
RIB = (
    "RELEVÉ D'IDENTITÉ BANCAIRE",
    "Titulaire du compte : M. Jean Dupont",
    "12 rue des Lilas 75011 Paris",
    "Code banque Code guichet Numéro de compte Clé RIB",
    "30004 00001 00012345678 30",
    CLAIMANT_IBAN,
    "BIC BNPAFRPP",
    "Domiciliation : BNP PARIBAS PARIS OPERA",
)
INVOICE_OF_CLAIMANT = (
    "FACTURE N° 2025-114",
    "Patient : M. Jean Dupont",
    "12 rue des Lilas 75011 Paris",
    "Total TTC 84,00 €",
    "Net à payer 84,00 €",
    "Règlement par virement bancaire",
)


UNTIED_INVOICE = ("FACTURE", "Date de facture : 12/03/2025", "Total TTC 84,00 €", "Net à payer 84,00 €")


def pages_of(groups) -> list[list[int]]:
    return [[p.page for p in g] for g in groups]


def kinds_of(groups) -> list[DocType]:
    return [classify(document_lines(g)).doc_type for g in groups]


@pytest.mark.parametrize(
    ("invoice", "payment"),
    [
        pytest.param((*INVOICE, SELLER_IBAN), PAYMENT_PAGE, id="same IBAN on the invoice"),
        pytest.param(INVOICE, (*PAYMENT_PAGE, "Référence à rappeler : facture 2025-114"), id="invoice number on both"),
        pytest.param((*INVOICE, "Merci de régler par virement"), PAYMENT_PAGE, id="invoice asks for a transfer"),
        pytest.param(("CABINET MARTIN SELARL", *INVOICE), ("CABINET MARTIN SELARL", *PAYMENT_PAGE), id="same company letterhead"),
        pytest.param(
            (*INVOICE, "Zahlungsart: per Überweisung"), ("Kontoinhaber: Tanja Tinder", SELLER_IBAN, "BIC AGRIFRPP"), id="German"
        ),
    ],
)
@pytest.mark.parametrize("bank_first", [False, True], ids=["bank page last", "bank page first"])
def test_the_payment_page_of_an_invoice_stays_with_it(invoice, payment, bank_first) -> None:
    assert len(segment_pages([page_of(1, *payment), page_of(2, *UNTIED_INVOICE)])) == 2  # without a tie: a RIB
    rows = [payment, invoice] if bank_first else [invoice, payment]
    groups = segment_pages([page_of(n, *r) for n, r in enumerate(rows, start=1)])
    assert pages_of(groups) == [[1, 2]]
    assert kinds_of(groups) == [DocType.INVOICE]


@pytest.mark.parametrize("bank_first", [False, True], ids=["RIB last", "RIB first"])
def test_a_rib_of_the_claimant_stays_a_proof_of_its_own(bank_first) -> None:
    """Same person, same address, an invoice paid by transfer: the RIB's layout keeps it apart."""
    rows = [RIB, INVOICE_OF_CLAIMANT] if bank_first else [INVOICE_OF_CLAIMANT, RIB]
    groups = segment_pages([page_of(n, *r) for n, r in enumerate(rows, start=1)])
    assert pages_of(groups) == [[1], [2]]
    expected = [DocType.BANK_DETAILS, DocType.INVOICE]
    assert kinds_of(groups) == (expected if bank_first else expected[::-1])


@pytest.mark.parametrize("bank_first", [False, True], ids=["bank page last", "bank page first"])
def test_a_bank_page_tied_to_nothing_stays_apart(bank_first) -> None:
    """No shared number (its own SIRET, phone), no company name in common, no transfer asked: two proofs."""
    bank = (*PAYMENT_PAGE, "Fax 01 45 67 89 12", "SIRET 732 829 320 00074")
    rows = [bank, INVOICE] if bank_first else [INVOICE, bank]
    assert pages_of(segment_pages([page_of(n, *r) for n, r in enumerate(rows, start=1)])) == [[1], [2]]


def test_a_rib_without_its_title_is_known_by_its_boxes() -> None:
    boxes_only = RIB[1:]
    groups = segment_pages([page_of(1, *INVOICE_OF_CLAIMANT), page_of(2, *boxes_only)])
    assert pages_of(groups) == [[1], [2]]


@pytest.mark.parametrize(
    ("first", "second"),
    [("1/2", "2/2"), ("Seite 1 von 2", "Seite 2 von 2"), ("Page 1 sur 3", "Page 2 sur 3"), ("p. 1 of 2", "p. 2 of 2")],
)
def test_page_numbering_that_runs_on_keeps_pages_together(first, second) -> None:
    """Even a page reading as another kind, even a RIB layout: the numbering says it is the same document."""
    for other in (PRESCRIPTION, RIB):
        groups = segment_pages([page_of(1, *INVOICE, first), page_of(2, *other, second)])
        assert pages_of(groups) == [[1, 2]]


@pytest.mark.parametrize(
    ("first", "second"),
    [("1/1", "1/1"), ("2/2", "1/2"), ("Seite 1 von 2", "Seite 2 von 3"), ("Abschnitt: 1/4 Lorem", "Abschnitt: 2/4 Lorem")],
)
def test_numbering_that_does_not_run_on_does_not_join(first, second) -> None:
    """Two documents of one page each, a new 2-page document, other counts, a '1/4' inside text."""
    groups = segment_pages([page_of(1, *INVOICE, first), page_of(2, *PRESCRIPTION, second)])
    assert pages_of(groups) == [[1], [2]]


def test_page_numbers_read() -> None:
    def number(*rows: str) -> PageNumber | None:
        return page_number(document_lines([page_of(1, *rows)]))

    assert number("Seite 2 von 3") == PageNumber(2, 3) and number("Lorem", "2 / 3") == PageNumber(2, 3)
    assert number("Page 2") == PageNumber(2, None) and number("Total 1/2 litre") is None and number("Page 4/3") is None


def test_references_are_numbers_that_name_something() -> None:
    """Invoice numbers, VAT ids, phones, the payee's IBAN and SIRET tie two pages; days, months, postcodes,
    short numbers and amounts under a thousand do not (the claimant's address and the dates are on any page)."""
    page = page_of(
        1,
        "Facture 2025-114 du 12/03/2025 période 03/2025",
        "USt-IdNr: DE123456789 Tel. 0145678912",
        SELLER_IBAN,
        "SIRET 732 829 320 00074",
        "M. Jean Dupont D-12345 Berlin F-75011 Paris",
        "Total 84,00 € R18-31",
    )
    assert references(document_lines([page])) == {
        "2025114",
        "DE123456789",
        "0145678912",
        "FR7630006000011234567890189",
        "73282932000074",
    }


@pytest.mark.parametrize("rib_first", [False, True], ids=["invoice then RIB", "RIB then invoice"])
def test_a_first_page_announcing_its_next_page_continues_nothing(rib_first) -> None:
    """'(suite page suivante)' at the foot of page 1/2 announces page 2/2: the page opens a new proof."""
    rib = [(*RIB, "(suite page suivante)", "1/2"), ("RIB (suite)", *RIB, "2/2")]
    invoice = [(*INVOICE_OF_CLAIMANT, "(suite page suivante)", "Page 1/2"), ("Facture (suite)", *INVOICE, "Page 2/2")]
    rows = [*rib, *invoice] if rib_first else [*invoice, *rib]
    groups = segment_pages([page_of(n, *r) for n, r in enumerate(rows, start=1)])
    assert pages_of(groups) == [[1, 2], [3, 4]]
