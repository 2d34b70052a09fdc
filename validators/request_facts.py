"""What the checks know about a request: the claimant's declaration when there is one, otherwise what
the documents show (care types read on them, a foreign currency meaning care abroad)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models import Document, FlagCode
from models.document_kinds import ABOUT_CARE, kind_of
from models.manifest import CareRelation, CareType, Manifest

HOME_CURRENCY = "EUR"
MIN_CARE_CONFIDENCE = 0.3


def usable(document: Document) -> bool:
    """A document that can stand as a proof: no page of it is illegible or unread."""
    return not any(f.code in (FlagCode.ILLEGIBLE, FlagCode.OCR_FAILED, FlagCode.UNREADABLE_FILE) for f in document.flags)


@dataclass(frozen=True)
class RequestFacts:
    """The request as the rules see it."""

    documents: tuple[Document, ...]
    care_types: frozenset[CareType]
    relates_to: CareRelation | None
    abroad: bool
    planned: bool
    posted: bool
    renewal: bool
    first_request: bool
    student: bool
    hospitalisation: bool | None
    manifest: Manifest | None

    def legible(self) -> list[Document]:
        return [d for d in self.documents if usable(d)]


def read_care_types(documents: Sequence[Document]) -> frozenset[CareType]:
    """Care types read on the documents about care (a rights certificate's says nothing of the request;
    `other` only when nothing more precise was read)."""
    found = set()
    for document in documents:
        field = document.fields.get("care_type")
        if document.doc_type in ABOUT_CARE and field is not None and field.confidence >= MIN_CARE_CONFIDENCE:
            found.add(CareType(field.value))
    if len(found) > 1:
        found.discard(CareType.OTHER)
    return frozenset(found)


def looks_abroad(documents: Sequence[Document]) -> bool:
    """A foreign currency on a document whose currency says where the care was given (an invoice, a
    receipt, a hospital bulletin: `currency_locates_care` in models/document_kinds.toml): care received abroad."""
    return any(
        d.fields.get("currency") is not None and d.fields["currency"].value != HOME_CURRENCY
        for d in documents
        if kind_of(d.doc_type).currency_locates_care
    )


def request_facts(documents: Sequence[Document], manifest: Manifest | None) -> RequestFacts:
    """The facts: declared values first, then what the documents show."""
    declared = manifest or Manifest()
    care_types = frozenset(declared.care_types) or read_care_types(documents)
    abroad = declared.abroad if (declared.situation or declared.country) else looks_abroad(documents)
    hospitalisation = declared.hospitalisation
    if hospitalisation is None and CareType.HOSPITALISATION in care_types:
        hospitalisation = True
    return RequestFacts(
        documents=tuple(documents),
        care_types=care_types,
        relates_to=declared.relates_to,
        abroad=abroad,
        planned=declared.planned,
        posted=declared.posted,
        renewal=declared.renewal,
        first_request=declared.first_request,
        student=declared.student,
        hospitalisation=hospitalisation,
        manifest=manifest,
    )
