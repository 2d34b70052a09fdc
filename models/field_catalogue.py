"""The field catalogue: every field a document may carry (the keys of `Document.fields`, read by
extractors/fields/extract.py; `total_eur` / `gross_total_eur` derived for a foreign bill by
validators/exchange.py), each with the kind of value it holds. The review desk labels each one
(review/messages/ui.toml) and checks a manager's value by its kind (review/field_values.py); the table of
document kinds (models/document_kinds.toml) names its required fields from here."""

from __future__ import annotations

from enum import StrEnum


class ValueKind(StrEnum):
    """What a field's value is, in its canonical form."""

    DATE = "date"  # ISO date
    AMOUNT = "amount"  # decimal with a dot, in the document's currency
    EURO_AMOUNT = "euro_amount"  # an amount in euros at the ECB rate: derived, never read on the page
    COUNT = "count"  # a whole number
    CURRENCY = "currency"  # ISO 4217 code
    CARE_TYPE = "care_type"  # a models.manifest.CareType value
    TEXT = "text"  # a name, a reason, an identifier: one line of text


# name -> the kind of its value, in the order the desk shows them.
FIELDS: dict[str, ValueKind] = {
    "date": ValueKind.DATE,
    "total": ValueKind.AMOUNT,
    "currency": ValueKind.CURRENCY,
    "care_type": ValueKind.CARE_TYPE,
    "issuer": ValueKind.TEXT,
    "practitioner": ValueKind.TEXT,
    "beneficiary": ValueKind.TEXT,
    "beneficiary_birth_date": ValueKind.DATE,
    "gross_total": ValueKind.AMOUNT,
    "reimbursed": ValueKind.AMOUNT,
    "remaining": ValueKind.AMOUNT,
    "total_eur": ValueKind.EURO_AMOUNT,
    "gross_total_eur": ValueKind.EURO_AMOUNT,
    "stay_from": ValueKind.DATE,
    "stay_to": ValueKind.DATE,
    "stay_reason": ValueKind.TEXT,
    "valid_from": ValueKind.DATE,
    "valid_to": ValueKind.DATE,
    "prescription_date": ValueKind.DATE,
    "session_count": ValueKind.COUNT,
    "first_session": ValueKind.DATE,
    "last_session": ValueKind.DATE,
    "rpps": ValueKind.TEXT,
    "adeli": ValueKind.TEXT,
    "finess": ValueKind.TEXT,
    "siret": ValueKind.TEXT,
    "siren": ValueKind.TEXT,
    "nir": ValueKind.TEXT,
    "iban": ValueKind.TEXT,
    "bic": ValueKind.TEXT,
}
FIELD_NAMES: tuple[str, ...] = tuple(FIELDS)
# The main fields of a document: those a manager can add when the machine did not find them, in the order of the form.
MAIN_FIELDS: tuple[str, ...] = ("date", "total", "currency", "care_type", "issuer", "practitioner", "beneficiary")


def fields_of(kind: ValueKind) -> frozenset[str]:
    """The names of the fields holding that kind of value."""
    return frozenset(name for name, value in FIELDS.items() if value is kind)


DATE_FIELDS = fields_of(ValueKind.DATE)
AMOUNT_FIELDS = fields_of(ValueKind.AMOUNT)
COUNT_FIELDS = fields_of(ValueKind.COUNT)
