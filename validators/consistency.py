"""Consistency between the documents of a request, and with what the claimant declared: invoice vs
proof of payment, declared total and currency, care dates inside the declared stay and within the
insurer's limits, one beneficiary per request. Each check is a small function returning flags."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from typing import TypedDict

from extractors.data_files import fold
from infra.tools.ecb_rates import NoEcbRate, ecb_rate
from models import Document, Flag, FlagCode
from models.document_kinds import CARE_RECEIVED, CHARGES, PAYMENTS
from models.manifest import Manifest
from validators.exchange import care_date, euro_total, to_euros
from validators.flag_wording import make_flag
from validators.rules_file import Limits

MIN_NAME_CONFIDENCE = 0.5


def amount_of(document: Document, name: str = "total") -> Decimal | None:
    """The document's amount field `name` as a Decimal (None: not read, or not a number)."""
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


class Where(TypedDict):
    """Where a flag points: a document's file and first page."""

    file: str | None
    page: int | None


def _on(document: Document) -> Where:
    return Where(file=document.file, page=document.pages[0].page if document.pages else None)


def _charges_with_amounts(documents: Sequence[Document]) -> list[tuple[Document, Decimal]]:
    return [(d, amount) for d in documents if d.doc_type in CHARGES and (amount := amount_of(d)) is not None]


def payment_flags(documents: Sequence[Document], limits: Limits) -> list[Flag]:
    """`amount_mismatch`: a proof of payment whose amount matches no charge of the request (nor their sum)."""
    bills = _charges_with_amounts(documents)
    if not bills:
        return []
    flags = []
    bill_sum = sum((amount for _, amount in bills), Decimal("0"))
    for receipt in (d for d in documents if d.doc_type in PAYMENTS):
        paid = amount_of(receipt)
        if paid is None or any(_close(paid, amount, limits) for _, amount in bills) or _close(paid, bill_sum, limits):
            continue
        flags.append(
            make_flag(
                FlagCode.AMOUNT_MISMATCH,
                **_on(receipt),
                details={"paid": str(paid), "invoices": ", ".join(str(a) for _, a in bills)},
            )
        )
    return flags


def claim_bills(documents: Sequence[Document]) -> list[Document]:
    """The documents whose amounts are the request's: its charges (invoices, hospital bulletins, care
    sheets) - or, without any, its payments (receipts). The checks and the desk's queue both sum these."""
    return [d for d in documents if d.doc_type in CHARGES] or [d for d in documents if d.doc_type in PAYMENTS]


def declared_flags(documents: Sequence[Document], manifest: Manifest | None, limits: Limits) -> list[Flag]:
    """`declared_currency_mismatch` / `declared_total_mismatch`: the form against the bills read. A total
    declared in another currency than some bill is compared in euros (`declared_in_euros`)."""
    if manifest is None or (manifest.total_declared is None and manifest.currency is None):
        return []
    bills = claim_bills(documents)
    currencies = sorted({c for c in (_currency(d) for d in bills) if c})
    flags = []
    if manifest.currency and currencies and manifest.currency not in currencies:
        flags.append(
            make_flag(
                FlagCode.DECLARED_CURRENCY_MISMATCH,
                details={"declared": manifest.currency, "read": ",".join(currencies)},
                currencies=", ".join(currencies),
            )
        )
    if manifest.total_declared is not None and manifest.currency and any(c != manifest.currency for c in currencies):
        return flags + declared_in_euros(bills, manifest.total_declared, manifest, limits)
    amounts = [amount_of(d) for d in bills if _currency(d) in (None, manifest.currency)]
    known = [a for a in amounts if a is not None]
    if manifest.total_declared is not None and known and len(known) == len(amounts):
        read = sum(known, Decimal("0"))
        if not _close(read, manifest.total_declared, limits):
            flags.append(
                make_flag(FlagCode.DECLARED_TOTAL_MISMATCH, details={"declared": str(manifest.total_declared), "read": str(read)})
            )
    return flags


def declared_in_euros(bills: Sequence[Document], declared: Decimal, manifest: Manifest, limits: Limits) -> list[Flag]:
    """The declared total against the bills, both in euros: each bill at the rate of its own date of care
    (its `total_eur`), the declaration at the rate of the first date of care of the bills (the declared
    stay's first day when no bill is dated). Nothing to compare when a bill has no amount in euros (its
    `no_exchange_rate` says why); `no_exchange_rate` when the declared currency has no rate."""
    read = euro_total(bills)
    if read is None or read.amount is None or not manifest.currency:
        return []
    dates = [when[0] for bill in bills if (when := care_date(bill)) is not None]
    on = min(dates) if dates else (manifest.stay.start if manifest.stay else None)
    if on is None:
        return []
    try:
        rate = ecb_rate(manifest.currency, on)
    except NoEcbRate as problem:
        return [
            make_flag(
                FlagCode.NO_EXCHANGE_RATE,
                variant="declared",
                currency=manifest.currency,
                care_date=on.isoformat(),
                details={"currency": manifest.currency, "care_date": on.isoformat(), "reason": problem.problem.value},
            )
        ]
    declared_eur, read_eur = to_euros(declared, rate.rate), Decimal(read.amount)
    if _close(declared_eur, read_eur, limits):
        return []
    details = {
        "declared": f"{declared} {manifest.currency}",
        "read": ", ".join(f"{p.amount} {p.currency}" for p in read.parts),
        "declared_eur": str(declared_eur),
        "read_eur": str(read_eur),
        "rate": str(rate.rate),
        "rate_date": rate.on.isoformat(),
    }
    return [make_flag(FlagCode.DECLARED_TOTAL_MISMATCH, variant="in_euros", details=details)]


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
    stay = manifest.stay if manifest else None
    for document in (d for d in documents if d.doc_type in CARE_RECEIVED):
        dates = care_dates(document)
        outside = [d for d in dates if stay and not stay.holds(d)]
        if outside and stay:
            flags.append(
                make_flag(
                    FlagCode.DATE_OUTSIDE_STAY,
                    **_on(document),
                    details={
                        "date": outside[0].isoformat(),
                        "declared": f"{stay.start.isoformat()} / {stay.end.isoformat()}",
                        "read": outside[0].isoformat(),
                    },
                    care_date=outside[0],
                    stay_start=stay.start,
                    stay_end=stay.end,
                )
            )
        wrong = [d for d in dates if d < oldest or d > latest]
        if wrong:
            flags.append(
                make_flag(
                    FlagCode.DATE_OUT_OF_RANGE,
                    **_on(document),
                    details={"date": wrong[0].isoformat()},
                    variant="future" if wrong[0] > latest else "too_old",
                    care_date=wrong[0],
                    max_age_days=limits.max_age_days,
                )
            )
    return flags


def name_key(name: str) -> str:
    """A name compared without case, accents, punctuation or word order."""
    words = "".join(ch if ch.isalpha() else " " for ch in fold(name)).split()
    return " ".join(sorted(w for w in words if len(w) > 1))


def same_person(a: str, b: str, limits: Limits) -> bool:
    return SequenceMatcher(None, name_key(a), name_key(b)).ratio() >= limits.name_similarity


def beneficiary_flags(documents: Sequence[Document], manifest: Manifest | None, limits: Limits) -> list[Flag]:
    """`multiple_beneficiaries`: documents naming different patients (one request, one beneficiary). Details: `files`
    (those naming someone else), `declared` (the declared beneficiary) or `reference` (no declaration: the first
    document's name), `read` (each of those files with the name read on it)."""
    named = [
        (d, d.fields["beneficiary"].value)
        for d in documents
        if "beneficiary" in d.fields and d.fields["beneficiary"].confidence >= MIN_NAME_CONFIDENCE
    ]
    declared = manifest.beneficiary.name if manifest and manifest.beneficiary and manifest.beneficiary.name else None
    if declared:
        reference, compared = declared, {"declared": declared}
    elif named:
        reference, compared = named[0][1], {"reference": f"{named[0][0].file} : {named[0][1]}"}
    else:
        return []
    others = [(d, name) for d, name in named if not same_person(name, reference, limits)]
    if not others:
        return []
    files = ", ".join(d.file for d, _ in others)
    read = "; ".join(f"{d.file} : {name}" for d, name in others)
    return [make_flag(FlagCode.MULTIPLE_BENEFICIARIES, details={"files": files, **compared, "read": read})]
