"""`doubtful_field`: the straight-through decision. A claim goes to adjudication without a person
(`ready`) only when every decisive value its documents show - date, total, currency, care type,
beneficiary, as the rules file's `[straight_through]` table lists them - was read with a confidence at
or above its threshold. The confidence is a calibrated probability (extractors/calibration.py) and each
threshold keeps wrong values at or under 0.5 % on the scored data (bench/calibrate.py). A value under
its threshold is flagged with its field and page, so that the manager looks there first.

A field is checked where it decides something: the date, total and currency on the documents whose kind
requires them (models/document_kinds.toml), the care type on bills (what is billed decides what is
reimbursed; a prescription's care type only points to the proofs), the beneficiary on every document
showing one. A value missing is `missing_<field>`'s business (validators/fields.py), not this check's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from models import Document, Flag, FlagCode
from models.document_kinds import kind_of
from validators.flag_wording import make_flag

ON_REQUIRING_KINDS = ("date", "total", "currency")  # checked where the document's kind requires them


def checked_here(name: str, document: Document) -> bool:
    """Whether the field decides something on this document."""
    kind = kind_of(document.doc_type)
    if name in ON_REQUIRING_KINDS:
        return name in kind.required_fields
    return kind.bill if name == "care_type" else True


def doubtful_flags(documents: Sequence[Document], thresholds: Mapping[str, float]) -> list[Flag]:
    """One flag per decisive value read under its threshold, in document then threshold order."""
    flags = []
    for document in documents:
        for name, threshold in thresholds.items():
            field = document.fields.get(name)
            if field is None or field.confidence >= threshold or not checked_here(name, document):
                continue
            flags.append(
                make_flag(
                    FlagCode.DOUBTFUL_FIELD,
                    file=document.file,
                    page=field.page,
                    variant=name,
                    details={"field": name, "confidence": f"{field.confidence:.3f}", "threshold": f"{threshold:g}"},
                    value=field.value,
                )
            )
    return flags
