"""`doubtful_field`: the straight-through decision. A claim goes to adjudication without a person
(`ready`) only when every decisive value its documents show - date, total, currency, care type,
beneficiary, as the rules file's `[straight_through]` table lists them - was read with a confidence at
or above its threshold. The confidence is a calibrated probability (extractors/calibration.py) and each
shipped threshold is the lowest that keeps wrong values at or under 0.5 % on the develop part of the
labelled sets, as the scored part confirms (bench/calibrate.py). A value under
its threshold is flagged with its field and page, so that the manager looks there first.

A date or total the two OCR engines read differently (a page read twice, `+readers_disagree`,
extractors/cross_reading.py) is doubtful whatever its confidence: two engines that do not agree leave it
to a person.

A value read under its threshold is still trusted when an independent source says the same, exactly: the
form's declaration (a total equal to the declared one - alone, or as the sum of the request's bills -, the
declared currency, a declared care type, the declared beneficiary), or another document of the request
(an invoice and its receipt showing the same total, the same date). An OCR error does not reproduce
another source's value digit for digit.

A field is checked where it decides something: the date, total and currency on the documents whose kind
requires them (models/document_kinds.toml), the care type on bills (what is billed decides what is
reimbursed; a prescription's care type only points to the proofs), the beneficiary on every document
showing one. A value missing is `missing_<field>`'s business (validators/fields.py), not this check's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from extractors.cross_reading import READERS_DISAGREE
from models import Document, Field, Flag, FlagCode
from models.document_kinds import kind_of
from models.manifest import Manifest
from validators.consistency import amount_of, claim_bills, same_person
from validators.flag_wording import make_flag
from validators.rules_file import Limits

ON_REQUIRING_KINDS = ("date", "total", "currency")  # checked where the document's kind requires them


def checked_here(name: str, document: Document) -> bool:
    """Whether the field decides something on this document."""
    kind = kind_of(document.doc_type)
    if name in ON_REQUIRING_KINDS:
        return name in kind.required_fields
    return kind.bill if name == "care_type" else True


def _declared(name: str, field: Field, document: Document, documents: Sequence[Document], manifest: Manifest) -> bool:
    """The form declares this very value."""
    if name == "total":
        declared, value = manifest.total_declared, amount_of(document)
        currency = document.fields.get("currency")
        if declared is None or value is None or (manifest.currency and (currency is None or currency.value != manifest.currency)):
            return False
        bills = claim_bills(documents)
        totals = [amount_of(d) for d in bills]
        summed = document in bills and None not in totals and sum(t for t in totals if t is not None) == declared
        return value == declared or summed
    if name == "currency":
        return field.value == manifest.currency
    if name == "care_type":
        return field.value in manifest.care_types
    return False


def corroborated(name: str, document: Document, documents: Sequence[Document], manifest: Manifest | None, limits: Limits) -> bool:
    """Whether an independent source - the declaration, another document of the request - shows the
    same value as `document`'s field `name`."""
    field = document.fields[name]
    if name == "beneficiary":
        declared = manifest.beneficiary.name if manifest and manifest.beneficiary else None
        return bool(declared) and same_person(field.value, declared or "", limits)
    if manifest is not None and _declared(name, field, document, documents, manifest):
        return True
    if name in ("total", "date"):
        return any(
            other is not document and name in other.fields and other.fields[name].value == field.value for other in documents
        )
    return False


def doubtful_flags(
    documents: Sequence[Document], thresholds: Mapping[str, float], manifest: Manifest | None, limits: Limits
) -> list[Flag]:
    """One flag per decisive value read under its threshold and not corroborated, in document then
    threshold order (`limits`: the name similarity a declared beneficiary is compared with)."""
    flags = []
    for document in documents:
        for name, threshold in thresholds.items():
            field = document.fields.get(name)
            if field is None or not checked_here(name, document):
                continue
            readers_disagree = READERS_DISAGREE in field.rule
            if (field.confidence >= threshold and not readers_disagree) or corroborated(
                name, document, documents, manifest, limits
            ):
                continue
            details = {"field": name, "confidence": f"{field.confidence:.3f}", "threshold": f"{threshold:g}"}
            variant = f"{name}_readers" if readers_disagree and field.confidence >= threshold else name
            flags.append(
                make_flag(
                    FlagCode.DOUBTFUL_FIELD,
                    file=document.file,
                    page=field.page,
                    variant=variant,
                    details={**details, **({"readers": "disagree"} if readers_disagree else {})},
                    value=field.value,
                )
            )
    return flags
