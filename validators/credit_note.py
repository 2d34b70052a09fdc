"""`credit_note`: a document that refunds an amount - titled as a credit note ("Avoir", "Gutschrift", "Credit
note"), or whose total is printed negative (extractors/fields/amounts.py reads its total as a negative
amount, rule `+credit_note`). It proves no expense: sent in a request, it is either a mistake or a refund
that lowers what the bill it cancels asks for. A manager matches the two; the claim does not go straight
through."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from extractors.fields.amounts import CREDIT_NOTE
from models import Field, Flag, FlagCode
from validators.flag_wording import make_flag


def _refunds(total: Field) -> bool:
    try:
        negative = Decimal(total.value) < 0
    except InvalidOperation:
        negative = False
    return negative or CREDIT_NOTE in total.rule


def credit_note_flags(file: str, fields: Mapping[str, Field]) -> list[Flag]:
    """The flag of a document whose total is refunded, on the total's page, with the amount read."""
    total = fields.get("total")
    if total is None or not _refunds(total):
        return []
    return [make_flag(FlagCode.CREDIT_NOTE, file=file, page=total.page, details={"read": total.value})]
