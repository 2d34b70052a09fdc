"""Cut a multi-page file into the proofs it holds (an invoice followed by its prescription, a bulletin
and a care sheet scanned together): each page is classified alone; a page starts a new proof when
another type clearly wins on it and it does not read as the continuation of the previous pages.

Two signals keep pages of one printed document together whatever each page reads as:
- page numbering that runs on from the previous page ('Seite 1 von 2' then 'Seite 2 von 2', '1/3' then
  '2/3': segments.toml `numbering`);
- a bill's payment page: a page showing only bank details (IBAN, BIC) reads as a RIB on its own, before or
  after the bill it belongs to. It stays with the bill when it has no RIB layout of its own (title, bank
  code / branch code / account / key boxes: `rib_layout`) and something ties the two: a reference printed
  on both (invoice number, IBAN, SIRET, VAT id, phone: `references`), the same company name, or the bill
  asking to be paid by transfer. A RIB keeps its layout, shares no number with the bill (the claimant's
  name and address are no tie: they are on both) and stays a proof of its own."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from extractors.classify import best_type, page_scores, rib_layout
from extractors.data_files import fold, phrase_pattern
from extractors.fields.identifiers import extract_identifiers
from extractors.keywords import PARTIES, SEGMENTS
from extractors.layout import Line, document_lines
from models import DocType, OcrPage
from models.document_kinds import kind_of

SPLIT_SCORE = 4.0  # a page needs at least this keyword score to open a proof of its own
# ...after a receipt, less: a till or card ticket is one printed strip, already paid - it has no payment
# page and no continuation that reads as another kind, so a page that reads as another kind at all (a
# prescription with no title: "séances de", a signature) is another proof
AFTER_RECEIPT_SPLIT_SCORE = 2.0
RIVAL_SHARE = 0.5  # ...and the current proof's type must score under this share of it on the page
CONTINUATION = re.compile(r"\b(suite|report|reporter|continued|carried forward)\b|\bpage\s*[2-9]\d*\s*/\s*\d+\b|\(\s*suite\s*\)")
BARE_NUMBER = re.compile(r"^\W*(\d{1,3})\s*/\s*(\d{1,3})\W*$")  # '2 / 3' alone on its line
REFERENCE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9](?:[A-Za-z0-9]|[-/.](?=[A-Za-z0-9]))+")
DATE_SHAPE = re.compile(  # a day or a month: 12/03/2025, 2025-03-12, 03/2025, 2025-03
    r"^(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])|(?:0?[1-9]|1[0-2])[-/.](?:19|20)\d\d)$"
)
POSTCODE = re.compile(r"^[A-Za-z]{1,2}-\d{4,5}$")  # 'D-12345', 'F-75011': the claimant's address is on any page
REFERENCE_CHARS, REFERENCE_DIGITS = 6, 4  # a number that names something: not a postcode, a day, an amount
ISSUER_KEYS = ("iban", "siret", "siren", "rpps", "adeli", "finess")  # the payee's numbers, never the patient's
PAYMENT_PAGE = DocType.BANK_DETAILS


def is_continuation(page: OcrPage) -> bool:
    """The page says it continues a previous one ('(suite)', 'Report', 'Page 2/3')."""
    return bool(CONTINUATION.search(fold(" ".join(w.text for w in page.words))))


@cache
def _numbering() -> re.Pattern[str]:
    words = phrase_pattern(SEGMENTS.numbering.words, "a-z0-9").pattern
    joiners = "|".join(re.escape(j) for j in sorted(SEGMENTS.numbering.joiners, key=len, reverse=True))
    return re.compile(rf"{words}\s*(\d{{1,3}})(?:\s*(?:{joiners})\s*(\d{{1,3}}))?(?![0-9])")


@dataclass(frozen=True)
class PageNumber:
    number: int
    count: int | None  # None: 'Seite 2' without the page count


def page_number(lines: Sequence[Line]) -> PageNumber | None:
    """The page's printed number ('Page 2/3', 'Seite 2 von 3', '2 / 3' alone on a line), the last one read."""
    found: PageNumber | None = None
    for line in lines:
        text = fold(line.text)
        for m in _numbering().finditer(text):
            found = PageNumber(int(m.group(1)), int(m.group(2)) if m.group(2) else None)
        bare = BARE_NUMBER.match(text)
        if bare:
            found = PageNumber(int(bare.group(1)), int(bare.group(2)))
    if found is None or found.number < 1 or (found.count is not None and found.number > found.count):
        return None
    return found


def numbering_continues(before: PageNumber | None, after: PageNumber | None) -> bool:
    """The second page's number follows the first's, out of the same page count."""
    return before is not None and after is not None and after.number == before.number + 1 and after.count == before.count


def starts_new_proof(
    page: OcrPage, scores: dict[DocType, tuple[float, list[str]]], current: DocType, number: PageNumber | None = None
) -> bool:
    """Another document type clearly wins on this page (its `scores`), which is not a continuation.
    Pages that read as no type yet (`other`: a cover page, a header page) never end a proof: the first
    typed page that follows them belongs with them. A page numbered 1 (`number`, '1/2') opens its document:
    its '(suite page suivante)' announces the next page, it continues nothing."""
    kind, score = best_type(scores)
    bar = AFTER_RECEIPT_SPLIT_SCORE if current is DocType.RECEIPT else SPLIT_SCORE
    if current is DocType.OTHER or kind in (current, DocType.OTHER) or score < bar:
        return False
    current_score = scores.get(current, (0.0, []))[0]
    first_page = number is not None and number.number == 1
    return current_score < RIVAL_SHARE * score and (first_page or not is_continuation(page))


def references(lines: Sequence[Line]) -> set[str]:
    """Numbers that name something, compact and upper-case: invoice and customer numbers, VAT ids,
    phone numbers (at least 6 characters with 4 digits, not a date, not a postcode), and the payee's identifiers read by
    extractors.fields.identifiers (IBAN, SIRET... printed in spaced groups)."""
    found = {field.value for key, field in extract_identifiers(lines).items() if key in ISSUER_KEYS}
    for line in lines:
        for m in REFERENCE.finditer(line.text):
            token = m.group(0)
            compact = re.sub(r"[-/.]", "", token).upper()
            digits = sum(ch.isdigit() for ch in compact)
            if (
                len(compact) >= REFERENCE_CHARS
                and digits >= REFERENCE_DIGITS
                and not DATE_SHAPE.match(token)
                and not POSTCODE.match(token)
            ):
                found.add(compact)
    return found


def company_names(lines: Sequence[Line]) -> set[str]:
    """Lines naming a company (a legal form: GmbH, SARL, Ltd...), compact: a letterhead repeated on pages."""
    legal = phrase_pattern(PARTIES.issuer.legal_forms)
    names = set()
    for line in lines:
        folded = fold(line.text)
        if legal.search(folded):
            compact = re.sub(r"[^a-z0-9]", "", folded)
            if len(compact) >= REFERENCE_CHARS:
                names.add(compact)
    return names


def asks_for_transfer(lines: Sequence[Line]) -> bool:
    """The bill asks to be paid by bank transfer (segments.toml `payment_pages.transfer`)."""
    pattern = phrase_pattern(SEGMENTS.payment_pages.transfer, "a-z0-9")
    return any(pattern.search(fold(line.text)) for line in lines)


def payment_page_of(bank: Sequence[OcrPage], bill: Sequence[OcrPage]) -> bool:
    """The bank-details pages `bank` are the payment page of the bill `bill` (see the module's doc)."""
    bank_lines, bill_lines = document_lines(bank), document_lines(bill)
    if rib_layout(bank_lines):
        return False
    return (
        bool(references(bank_lines) & references(bill_lines))
        or bool(company_names(bank_lines) & company_names(bill_lines))
        or asks_for_transfer(bill_lines)
    )


def _keep_payment_pages(groups: list[list[OcrPage]], kinds: list[DocType]) -> list[list[OcrPage]]:
    """Adjacent proofs merged where one is a bill and the other its payment page (before or after it)."""
    merged: list[list[OcrPage]] = [groups[0]]
    current = kinds[0]
    for group, kind in zip(groups[1:], kinds[1:], strict=True):
        pair = {current, kind}
        bill = next((k for k in pair if kind_of(k).bill), None)
        if PAYMENT_PAGE in pair and bill is not None and len(pair) == 2:
            bank, billed = (merged[-1], group) if current is PAYMENT_PAGE else (group, merged[-1])
            if payment_page_of(bank, billed):
                merged[-1] = [*merged[-1], *group]
                current = bill
                continue
        merged.append(group)
        current = kind
    return merged


def segment_pages(pages: Sequence[OcrPage]) -> list[list[OcrPage]]:
    """The pages grouped into consecutive proofs (one group for a single-proof file)."""
    ordered = sorted(pages, key=lambda p: p.page)
    if len(ordered) < 2:
        return [list(ordered)]
    first = document_lines([ordered[0]])
    groups: list[list[OcrPage]] = [[ordered[0]]]
    current = best_type(page_scores(first))[0]
    kinds = [current]
    number = page_number(first)
    for page in ordered[1:]:
        lines = document_lines([page])
        scores = page_scores(lines)  # each page scored once
        previous, number = number, page_number(lines)
        if starts_new_proof(page, scores, current, number) and not numbering_continues(previous, number):
            groups.append([page])
            current = best_type(scores)[0]
            kinds.append(current)
        else:
            groups[-1].append(page)
            if current is DocType.OTHER:
                current = best_type(scores)[0]  # the proof's type is known from its first typed page
                kinds[-1] = current
    return _keep_payment_pages(groups, kinds)
