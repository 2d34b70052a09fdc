"""What the checks know about a request: the claimant's declaration when there is one, otherwise what
the documents show (care types read on them, a foreign currency meaning care abroad)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models import DocType, Document, FlagCode
from models.manifest import CareRelation, CareType, Manifest

# Documents whose care type says what the request is about (a rights certificate's does not).
CARE_DOCUMENTS = {DocType.INVOICE, DocType.RECEIPT, DocType.PRESCRIPTION, DocType.CARE_SHEET, DocType.HOSPITAL_BULLETIN,
                  DocType.QUOTE, DocType.PRIOR_AUTHORISATION, DocType.OTHER}
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
    """Care types read on the documents (`other` only when nothing more precise was read)."""
    found = set()
    for document in documents:
        field = document.fields.get("care_type")
        if document.doc_type in CARE_DOCUMENTS and field is not None and field.confidence >= MIN_CARE_CONFIDENCE:
            found.add(CareType(field.value))
    if len(found) > 1:
        found.discard(CareType.OTHER)
    return frozenset(found)


def looks_abroad(documents: Sequence[Document]) -> bool:
    """A bill in a foreign currency: care received abroad."""
    return any(
        d.fields.get("currency") is not None and d.fields["currency"].value != HOME_CURRENCY
        for d in documents
        if d.doc_type in (DocType.INVOICE, DocType.RECEIPT, DocType.HOSPITAL_BULLETIN)
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
        documents=tuple(documents), care_types=care_types, relates_to=declared.relates_to, abroad=abroad,
        planned=declared.planned, posted=declared.posted, renewal=declared.renewal, first_request=declared.first_request,
        student=declared.student, hospitalisation=hospitalisation, manifest=manifest,
    )
