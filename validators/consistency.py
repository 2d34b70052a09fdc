"""Consistency between the documents of a request, and with what the claimant declared: invoice vs
proof of payment, declared total and currency, care dates inside the declared stay and within the
insurer's limits, one beneficiary per request. Each check is a small function returning flags."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from extractors.data_files import fold
from models import DocType, Document, Flag, FlagCode, Severity
from models.manifest import Manifest
from validators.rules_file import Limits

BILLS = (DocType.INVOICE, DocType.HOSPITAL_BULLETIN, DocType.CARE_SHEET)
CARE_DATED = (DocType.INVOICE, DocType.RECEIPT, DocType.HOSPITAL_BULLETIN, DocType.CARE_SHEET)
MIN_NAME_CONFIDENCE = 0.5


def _amount(document: Document, name: str = "total") -> Decimal | None:
    field = document.fields.get(name)
    try:
        return Decimal(field.value) if field else None
    except InvalidOperation:
        return None


def _currency(document: Document) -> str | None:
    field = document.fields.get("currency")
    return field.value if field else None


def _close(a: Decimal, b: Decimal, limits: Limits) -> bool:
    return abs(a - b) <= max(limits.amount_tolerance, limits.amount_tolerance_ratio * max(abs(a), abs(b)))


def _flag(code: FlagCode, fr: str, en: str, document: Document | None = None, severity: Severity = Severity.WARNING,
          **details: str) -> Flag:
    return Flag(code=code, severity=severity, message=fr, message_en=en, file=document.file if document else None,
                page=document.pages[0].page if document and document.pages else None, details=details)


def payment_flags(documents: Sequence[Document], limits: Limits) -> list[Flag]:
    """`amount_mismatch`: a proof of payment whose amount matches no bill of the request (nor their sum)."""
    bills = [(d, _amount(d)) for d in documents if d.doc_type in BILLS and _amount(d) is not None]
    if not bills:
        return []
    flags = []
    bill_sum = sum((amount for _, amount in bills), Decimal("0"))
    for receipt in (d for d in documents if d.doc_type is DocType.RECEIPT):
        paid = _amount(receipt)
        if paid is None or any(_close(paid, amount, limits) for _, amount in bills) or _close(paid, bill_sum, limits):
            continue
        flags.append(_flag(
            FlagCode.AMOUNT_MISMATCH,
            f"{receipt.file} : le paiement ({paid}) ne correspond à aucune facture de la demande.",
            f"{receipt.file}: the payment ({paid}) matches no invoice of the request.",
            receipt, paid=str(paid), invoices=", ".join(str(a) for _, a in bills),
        ))
    return flags


def declared_flags(documents: Sequence[Document], manifest: Manifest | None, limits: Limits) -> list[Flag]:
    """`declared_currency_mismatch` / `declared_total_mismatch`: the form against the bills read."""
    if manifest is None or (manifest.total_declared is None and manifest.currency is None):
        return []
    bills = [d for d in documents if d.doc_type in BILLS] or [d for d in documents if d.doc_type is DocType.RECEIPT]
    currencies = {c for c in (_currency(d) for d in bills) if c}
    flags = []
    if manifest.currency and currencies and manifest.currency not in currencies:
        flags.append(_flag(FlagCode.DECLARED_CURRENCY_MISMATCH,
                           f"Devise déclarée {manifest.currency}, lue sur les justificatifs : {', '.join(sorted(currencies))}.",
                           f"Declared currency {manifest.currency}, read on the documents: {', '.join(sorted(currencies))}.",
                           declared=manifest.currency, read=",".join(sorted(currencies))))
    amounts = [_amount(d) for d in bills if _currency(d) in (None, manifest.currency)]
    if manifest.total_declared is not None and amounts and None not in amounts:
        read = sum(amounts, Decimal("0"))
        if not _close(read, manifest.total_declared, limits):
            flags.append(_flag(FlagCode.DECLARED_TOTAL_MISMATCH,
                               f"Total déclaré {manifest.total_declared}, total lu sur les justificatifs {read}.",
                               f"Declared total {manifest.total_declared}, total read on the documents {read}.",
                               declared=str(manifest.total_declared), read=str(read)))
    return flags


def care_dates(document: Document) -> list[date]:
    """The care dates a document shows: its date, and each session date."""
    values = [document.fields["date"].value] if "date" in document.fields else []
    values += [f.value for f in document.sessions]
    out = []
    for value in values:
        try:
            out.append(date.fromisoformat(value))
        except ValueError:
            continue
    return out


def date_flags(documents: Sequence[Document], manifest: Manifest | None, limits: Limits, today: date) -> list[Flag]:
    """`date_outside_stay` (care outside the declared stay) and `date_out_of_range` (future, or older
    than the rules' limit)."""
    flags = []
    oldest, latest = today - timedelta(days=limits.max_age_days), today + timedelta(days=limits.future_tolerance_days)
    for document in (d for d in documents if d.doc_type in CARE_DATED):
        dates = care_dates(document)
        outside = [d for d in dates if manifest and manifest.stay and not manifest.stay.holds(d)]
        if outside:
            stay = manifest.stay
            flags.append(_flag(FlagCode.DATE_OUTSIDE_STAY,
                               f"{document.file} : soins du {outside[0]:%d/%m/%Y} hors du séjour déclaré ({stay.start:%d/%m/%Y} - {stay.end:%d/%m/%Y}).",
                               f"{document.file}: care on {outside[0]:%Y-%m-%d} outside the declared stay ({stay.start} - {stay.end}).",
                               document, date=outside[0].isoformat()))
        wrong = [d for d in dates if d < oldest or d > latest]
        if wrong:
            why_fr, why_en = ("dans le futur", "in the future") if wrong[0] > latest else (f"plus de {limits.max_age_days} jours", f"older than {limits.max_age_days} days")
            flags.append(_flag(FlagCode.DATE_OUT_OF_RANGE,
                               f"{document.file} : date de soins {wrong[0]:%d/%m/%Y} {why_fr}.",
                               f"{document.file}: care date {wrong[0]:%Y-%m-%d} {why_en}.",
                               document, date=wrong[0].isoformat()))
    return flags


def name_key(name: str) -> str:
    """A name compared without case, accents, punctuation or word order."""
    words = "".join(ch if ch.isalpha() else " " for ch in fold(name)).split()
    return " ".join(sorted(w for w in words if len(w) > 1))


def same_person(a: str, b: str, limits: Limits) -> bool:
    return SequenceMatcher(None, name_key(a), name_key(b)).ratio() >= limits.name_similarity


def beneficiary_flags(documents: Sequence[Document], manifest: Manifest | None, limits: Limits) -> list[Flag]:
    """`multiple_beneficiaries`: documents naming different patients (one request, one beneficiary)."""
    named = [(d, d.fields["beneficiary"].value) for d in documents
             if "beneficiary" in d.fields and d.fields["beneficiary"].confidence >= MIN_NAME_CONFIDENCE]
    if manifest and manifest.beneficiary and manifest.beneficiary.name:
        reference = manifest.beneficiary.name
    elif named:
        reference = named[0][1]
    else:
        return []
    others = [d for d, name in named if not same_person(name, reference, limits)]
    if not others:
        return []
    files = ", ".join(d.file for d in others)
    return [_flag(FlagCode.MULTIPLE_BENEFICIARIES,
                  f"Plusieurs bénéficiaires dans une même demande (documents : {files}) : une demande par personne soignée.",
                  f"Several beneficiaries in one request (documents: {files}): one request per person treated.",
                  files=files)]
