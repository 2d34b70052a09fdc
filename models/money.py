"""Amounts in euros derived from foreign ones (care abroad): the conversion used on a document, and the
claim's bills summed in euros. Computed by validators/exchange.py from the ECB's reference rates."""

from __future__ import annotations

from datetime import date

from models.base import Model


class Conversion(Model):
    """How a document's foreign amounts were put in euros: amount / rate, rounded to the cent."""

    currency: str  # ISO 4217 code of the document's amounts
    rate: str  # units of `currency` for 1 EUR, as the ECB published it (decimal with a dot)
    rate_date: date  # the ECB fixing used: the last one on or before `care_date`
    care_date: date  # the document's date of care (a stay's first day)
    care_date_field: str  # the field it was read from: "stay_from" or "date"
    rounding: str = "ROUND_HALF_UP"  # to the cent, half a cent up (as the euro's own conversion rules)
    source: str  # where the rate comes from, with the data's version


class EuroPart(Model):
    """One bill of the claim in euros (`amount_eur` None: no rate could be had; see the document's flags)."""

    file: str
    part: int | None = None  # as Document.part
    currency: str | None  # None: no currency was read
    amount: str  # the bill's total, in `currency`
    amount_eur: str | None
    rate: str | None = None  # None for a bill in euros
    rate_date: date | None = None


class EuroTotal(Model):
    """The claim's bills summed in euros (`amount` None when some bill has no amount in euros: never a partial sum)."""

    amount: str | None
    parts: tuple[EuroPart, ...] = ()
