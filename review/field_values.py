"""A manager's typed value, checked and put in the claim's canonical form (ISO dates, decimal amounts
with a dot, ISO 4217 currencies, the care taxonomy), or refused with a message saying what is expected.
Which form a field takes is the field catalogue's (models/field_catalogue.py); a field it does not know is text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date

import dateparser
from babel.numbers import list_currencies

from extractors.fields.amounts import parse_amount
from models.errors import InputError
from models.field_catalogue import FIELDS, ValueKind
from models.manifest import CareType

MAX_TEXT = 200


class InvalidValue(InputError, ValueError):
    """The value does not fit the field; `code` is stable, the message is for the manager."""

    code = "invalid_value"

    def __init__(self, code: str, expected: str, value: str = "") -> None:
        super().__init__(expected)
        self.code, self.value = code, value  # the value as typed (shown again with the message)
        self.field: str | None = None  # the field it was typed in, when a form held several


def _date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    if re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}", text):
        parsed = dateparser.parse(text, settings={"DATE_ORDER": "DMY", "STRICT_PARSING": True})
        if parsed is not None:
            return parsed.date().isoformat()
        raise InvalidValue(
            "impossible_date", f"{text} : ce jour n'existe pas", text
        )  # 31/02/2026: the form is right, the day is not
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise InvalidValue("impossible_date", f"{text} : ce jour n'existe pas", text)
    raise InvalidValue("invalid_date", "date attendue : JJ/MM/AAAA ou AAAA-MM-JJ", text)


AMOUNT_TEXT = re.compile(r"(?:[€$£¥]|[A-Z]{3})?\s*\d[\d\s.,']*\s*(?:[€$£¥]|[A-Z]{3})?", re.IGNORECASE)


def _amount(text: str) -> str:
    """Digits with separators and at most a currency sign or code: no sign, no exponent, no stray letters."""
    value = parse_amount(text) if AMOUNT_TEXT.fullmatch(text) else None
    if value is None:
        raise InvalidValue("invalid_amount", "montant attendu, par ex. 45,30")
    return f"{value:.2f}"


def _currency(text: str) -> str:
    code = text.strip().upper()
    symbols = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "CHF": "CHF"}
    code = symbols.get(code, code)
    if code not in list_currencies():
        raise InvalidValue("invalid_currency", "code de devise ISO 4217 attendu, par ex. EUR")
    return code


def _count(text: str) -> str:
    if not re.fullmatch(r"\d{1,3}", text) or int(text) == 0:
        raise InvalidValue("invalid_count", "nombre entier attendu")
    return str(int(text))


def _care_type(text: str) -> str:
    try:
        return CareType(text.strip().lower()).value
    except ValueError:
        raise InvalidValue("invalid_care_type", "type de soins de la liste attendu") from None


# How each kind of value is checked (any other kind, and an unknown field, is one line of text).
CHECKS: dict[ValueKind, Callable[[str], str]] = {
    ValueKind.DATE: _date,
    ValueKind.AMOUNT: _amount,
    ValueKind.CURRENCY: _currency,
    ValueKind.COUNT: _count,
    ValueKind.CARE_TYPE: _care_type,
}


def normalised(field: str, text: str) -> str:
    """The canonical value of `text` for `field`; InvalidValue when it does not fit."""
    text = (text or "").strip()
    if not text:
        raise InvalidValue("empty_value", "valeur vide")
    kind = FIELDS.get(field, ValueKind.TEXT)
    if kind in CHECKS:
        return CHECKS[kind](text)
    if len(text) > MAX_TEXT or any(unicodedata.category(c).startswith("C") for c in text):
        raise InvalidValue("invalid_text", f"texte d'au plus {MAX_TEXT} caractères, sur une ligne")
    return text
