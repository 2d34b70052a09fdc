"""First document-type guess: keyword scores per type from a data file, with the reasons found."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from extractors.data_files import fold, one_letter_apart, phrase_pattern
from extractors.fields.amounts import LABEL_WORD, amounts_in, total_label
from extractors.fields.parties import BIRTH_DATE_FOLLOWS
from extractors.keywords import CURRENCIES, DOC_TYPES, PARTIES, SEGMENTS
from extractors.layout import Line
from models import DocType
from models.document_kinds import kind_of

MIN_SCORE = 2.0  # below this, nothing is recognised: `other`
HEADER_LINES = 12  # a phrase in the first lines (the document's title) counts double


@dataclass(frozen=True)
class Classification:
    """The chosen type, a 0..1 score and the phrases that decided it."""

    doc_type: DocType
    score: float
    reasons: tuple[str, ...]


@cache
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])")


def _phrase_hits(folded_lines: Sequence[str], phrase: str) -> tuple[int, bool]:
    pattern = _phrase_pattern(phrase)
    hits = [i for i, text in enumerate(folded_lines) if phrase in text and pattern.search(text)]  # substring first: C speed
    return len(hits), bool(hits) and hits[0] < HEADER_LINES


def type_scores(lines: Sequence[Line]) -> dict[DocType, tuple[float, list[str]]]:
    """Raw keyword score and reasons for every type."""
    folded = [fold(line.text) for line in lines]
    scores: dict[DocType, tuple[float, list[str]]] = {}
    for doc_type, phrases in DOC_TYPES.by_type().items():
        total, reasons = 0.0, []
        for phrase, weight in phrases.items():
            count, in_header = _phrase_hits(folded, phrase)
            if count:
                gained = float(weight) * (1 + math.log(count)) * (2 if in_header else 1)
                total += gained
                reasons.append(f"'{phrase}'" + (" (en-tête)" if in_header else "") + (f" x{count}" if count > 1 else ""))
        scores[doc_type] = (total, reasons)
    return scores


# A priced item row: a word of 3 letters or more, then (anywhere after it) an amount ending the row. Read
# as the amount at the end first, then the word before it: one regex with ".*" between them backtracks
# over every long row.
@cache
def _item_amount_end() -> re.Pattern[str]:
    """A row's last figure as an amount, with any currency marker of currencies.toml after it ("2,18 €",
    "10,561.78 Baht"); an amount in a currency without cents is space-grouped ("244 600 F CFP"): only with
    its currency after it."""
    markers = {*CURRENCIES.codes, *CURRENCIES.symbols, *CURRENCIES.words, *CURRENCIES.ambiguous}
    marker = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
    return re.compile(
        rf"(?:(?:\d[.,]\d{{2}}|\d€\d{{2}}|\d{{1,3}}(?:,\d{{3}})+)\s*(?:{marker})?"
        rf"|\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+\s*(?:{marker}))\.?\s*\*?$",
        re.IGNORECASE,
    )


def item_row(text: str) -> bool:
    """A row listing a priced item ("Doliprane 1000 mg 2,18 €")."""
    amount = _item_amount_end().search(text) if any(ch.isdigit() for ch in text) else None
    return amount is not None and LABEL_WORD.search(text, 0, amount.start()) is not None


ITEM_ROWS_FOR_INVOICE = 3
ITEM_ROWS_WEIGHT = 2.0


UNPRICED_FACTOR = 0.4
FOOTER_START = 0.6  # the last 40 % of a page's lines: where invoices print the seller's bank account
FOOTER_FACTOR = 0.25


def _bank_details_in_footer(lines: Sequence[Line]) -> bool:
    """Every bank-details phrase (IBAN, BIC, RIB...) of the page is printed in its footer: below the
    total label, or in the last lines."""
    folded = [fold(line.text) for line in lines]
    pattern = phrase_pattern(tuple(DOC_TYPES.weights(DocType.BANK_DETAILS)), "a-z0-9")
    hits = [i for i, text in enumerate(folded) if pattern.search(text)]
    if not hits:
        return False
    totals = [i for i, text in enumerate(folded) if total_label(text)[0] >= TOTAL_CUE and amounts_in(lines[i])]
    start = min(int(len(lines) * FOOTER_START), totals[-1] + 1) if totals else int(len(lines) * FOOTER_START)
    return min(hits) >= start


def rib_layout(lines: Sequence[Line]) -> bool:
    """The lines show a RIB's own layout (segments.toml `payment_pages`): its title ('Relevé d'identité
    bancaire'), or several of its boxes (account holder, bank code, branch code, account number, key)."""
    words = SEGMENTS.payment_pages
    text = "\n".join(fold(line.text) for line in lines)
    if phrase_pattern(words.rib_titles, "a-z0-9").search(text):
        return True
    return len(set(phrase_pattern(words.rib_boxes, "a-z0-9").findall(text))) >= words.min_boxes


def _bank_details_of_seller(lines: Sequence[Line]) -> str | None:
    """Why the bank details of a billing document are the seller's account, if they are: printed in its
    footer, or - in a document of several pages - on pages without a RIB layout of their own (the bill's
    payment page, which the segmentation keeps with the bill: extractors/segment.py)."""
    if _bank_details_in_footer(lines):
        return "coordonnées bancaires en pied de facture"
    pages: dict[int, list[Line]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line)
    if len(pages) > 1 and not any(rib_layout(page) for page in pages.values()):
        return "coordonnées bancaires sur une page de paiement de la facture"
    return None


def _invoice_cues(lines: Sequence[Line], scores: dict[DocType, tuple[float, list[str]]], items: int) -> bool:
    """The page bills something: invoice or receipt wording, priced rows, or a total with its amount."""
    if scores[DocType.INVOICE][0] >= MIN_SCORE or scores[DocType.RECEIPT][0] >= MIN_SCORE or items >= ITEM_ROWS_FOR_INVOICE:
        return True
    return any(total_label(fold(line.text))[0] >= TOTAL_CUE and amounts_in(line) for line in lines)


TOTAL_CUE = 0.8
PRICED_ROWS_FOR_PATIENT_BILL = 2
NAME_FOLLOWS = re.compile(r"\s*:\s*[a-z]")


def _bills_a_named_patient(lines: Sequence[Line]) -> bool:
    """A page both priced (several rows with an amount) and naming its patient."""
    pages: dict[int, list[Line]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line)
    return any(
        sum(1 for line in page if amounts_in(line)) >= PRICED_ROWS_FOR_PATIENT_BILL and names_its_patient(page)
        for page in pages.values()
    )


def names_its_patient(lines: Sequence[Line]) -> bool:
    """A row introduces the person cared for: a patient label, a colon and a name ("Patient: R. Texier"),
    or a birth label and a date ("Date of birth: 1942/05/29"; parties.toml)."""
    labels = phrase_pattern(PARTIES.beneficiary.patient_labels, "a-z0-9")
    births = phrase_pattern(PARTIES.beneficiary.birth_labels, "a-z0-9")
    for line in lines:
        folded = fold(line.text)
        label = labels.search(folded)
        if label and NAME_FOLLOWS.match(folded, label.end()):
            return True
        birth = births.search(folded)
        if birth and BIRTH_DATE_FOLLOWS.match(folded, birth.end()):
            return True
    return False


def layout_cues(lines: Sequence[Line], scores: dict[DocType, tuple[float, list[str]]]) -> None:
    """Layout evidence: several priced item rows (label ... amount) make a detailed invoice, not a
    prescription; bank details (IBAN, BIC) only in the footer of a page that bills something, or on a page
    of a billing document of several pages that has no RIB layout of its own, are the seller's account, not
    a RIB; a priced page naming its patient bills care to a person (an invoice, even titled "Receipt"); a
    document without a single amount is of no kind that is always priced (invoice, receipt, quote:
    `always_priced` in models/document_kinds.toml)."""
    items = sum(1 for line in lines if item_row(line.text))
    if items >= ITEM_ROWS_FOR_INVOICE:
        total, reasons = scores[DocType.INVOICE]
        scores[DocType.INVOICE] = (total + ITEM_ROWS_WEIGHT, [*reasons, f"{items} lignes chiffrées (mise en page)"])
        total, reasons = scores[DocType.PRESCRIPTION]
        scores[DocType.PRESCRIPTION] = (total * UNPRICED_FACTOR, reasons)  # medicines listed with prices are sold, not prescribed
    seller = _bank_details_of_seller(lines) if scores[DocType.BANK_DETAILS][0] and _invoice_cues(lines, scores, items) else None
    if seller:
        total, reasons = scores[DocType.BANK_DETAILS]
        scores[DocType.BANK_DETAILS] = (total * FOOTER_FACTOR, [*reasons, seller])
    if scores[DocType.RECEIPT][0] and _bills_a_named_patient(lines):
        # a till ticket never names the patient: a "Receipt" that does is a paid, detailed invoice
        receipt, why = scores[DocType.RECEIPT]
        total, reasons = scores[DocType.INVOICE]
        scores[DocType.INVOICE] = (total + receipt, [*reasons, *why, "patient nommé sur une page chiffrée"])
        scores[DocType.RECEIPT] = (0.0, [])
    if lines and not any(amounts_in(line) for line in lines):
        for kind, (total, reasons) in list(scores.items()):
            if total and kind_of(kind).always_priced:
                scores[kind] = (total * UNPRICED_FACTOR, [*reasons, "aucun montant (mise en page)"])


TITLE_WEIGHT = 3.0  # a phrase at least this strong names its kind ("Facture", "Ordonnance", "Devis", "Rechnung")
TITLE_BONUS = 10.0  # what a document calls itself outweighs the words of its content (a hospital's "Facture" of a stay)
# Strong for their kind, yet printed alone as a section or field label on other documents ("TIERS PAYANT" over
# a pharmacy bill's shares, "IBAN" over its account number, "CARTE BANCAIRE" over its payment): not titles.
NOT_TITLES = frozenset(
    {
        "iban",
        "rib",
        "tiers payant",
        "carte bancaire",
        "customer copy",
        "cardholder copy",
        "tse-signatur",
        "missionnaire",
        "adoption",
        "detachement",
        "salarie detache",
        "posted worker",
        "periode autorisee",
        "objet de l'autorisation",
        "officier de l'etat civil",
        "medical fee",
        "medical fees",
        "planned treatment",
        "droits a l'assurance maladie",
        "legislation de securite sociale applicable",
        "certificat concernant la legislation",
    }
)
TITLE_NOISE = re.compile(r"[\d\W_]+|(?<![a-z])(?:n|no|nr|num|numero|number)(?![a-z])")


# a row ending in a document number that looks like an amount ("FACTURE N° 2024.01"): still a title
NUMBERED_END = re.compile(r"(?:\bn[°o]|\bnr|\bno\.?|#|\bnum[ée]ro|\bnumber)\s*[:.]?\s*[\w/-]*\d[.,]\d{2}\s*$", re.IGNORECASE)


def _title_words(folded: str) -> str:
    """A folded row or phrase as its title's words: numbers and punctuation aside ("note d honoraires")."""
    return " ".join(TITLE_NOISE.sub(" ", folded).split())


@cache
def _titles() -> dict[str, DocType]:
    """Strong phrases naming one kind only: the titles a document can print alone on a row."""
    owners: dict[str, set[DocType]] = {}
    for doc_type, phrases in DOC_TYPES.by_type().items():
        for phrase, weight in phrases.items():
            if float(weight) >= TITLE_WEIGHT and phrase not in NOT_TITLES:
                owners.setdefault(_title_words(phrase), set()).add(doc_type)
    return {phrase: next(iter(kinds)) for phrase, kinds in owners.items() if len(kinds) == 1}


MISREAD_TITLE_MIN = 12  # a title this long one letter off is that title misread ("factura siaplificada")


def _misread_title(words: str) -> tuple[DocType, str] | None:
    """The title a row's words are one letter off, where only one kind's long title is ("Factura siaplificada":
    a Spanish till's receipt, not the "factura" it holds); a short title is only ever read exactly."""
    if len(words) < MISREAD_TITLE_MIN - 1:
        return None
    near = {
        (kind, title) for title, kind in _titles().items() if len(title) >= MISREAD_TITLE_MIN and one_letter_apart(words, title)
    }
    return next(iter(near)) if len({kind for kind, _ in near}) == 1 else None


def title_of(lines: Sequence[Line]) -> tuple[DocType, str] | None:
    """The kind a row of the first page's head names alone ("FACTURE N° 2024/0012", "Rechnung", "ORDONNANCE"):
    its title, numbers and punctuation aside. A priced row ("Privatrezept 4,33" on a pharmacy's till receipt)
    is an item, not a title."""
    titles = _titles()
    for line in lines[:HEADER_LINES]:
        if line.page != lines[0].page:
            break
        if item_row(line.text) and not NUMBERED_END.search(line.text):
            continue
        words = _title_words(fold(line.text))
        if words in titles:
            return titles[words], words
        misread = _misread_title(words)
        if misread is not None:
            return misread
    return None


def page_scores(lines: Sequence[Line]) -> dict[DocType, tuple[float, list[str]]]:
    """Keyword and layout scores of every type, with their reasons; a title row adds to its kind."""
    scores = type_scores(lines)
    title = title_of(lines)
    if title is not None:
        kind, phrase = title
        total, reasons = scores[kind]
        scores[kind] = (total + TITLE_BONUS, [f"titre '{phrase}'", *reasons])
    layout_cues(lines, scores)
    return scores


def best_type(scores: dict[DocType, tuple[float, list[str]]]) -> tuple[DocType, float]:
    """The top-scoring type (`other` below the minimum score) and its raw score."""
    kind, (best, _) = max(scores.items(), key=lambda item: item[1][0])
    return (kind, best) if best >= MIN_SCORE else (DocType.OTHER, best)


def classify(lines: Sequence[Line]) -> Classification:
    """The most likely document type; `other` when no type scores enough."""
    scores = page_scores(lines)
    kind, (best, reasons) = max(scores.items(), key=lambda item: item[1][0])
    if best < MIN_SCORE:
        return Classification(DocType.OTHER, 0.3, ("aucun mot-clé de type de document",))
    runner_up = max((s for t, (s, _) in scores.items() if t is not kind), default=0.0)
    margin = (best - runner_up) / best
    confidence = round(min(1.0, 0.5 + 0.5 * margin) * min(1.0, best / 6), 3)
    return Classification(kind, confidence, tuple(reasons[:8]))
