"""Registry of document builders: type name -> build(rng, pages=1, patient=None, day=None, **options) -> Doc.

To add a type (quote, RIB, rights certificate, S2, posting certificate, birth certificate...), write a
module with a `build` function returning a `layout.Doc` whose truth comes from `common.truth`, and
register it here.
"""

from __future__ import annotations

from collections.abc import Callable

from samples.generator.documents import (
    abroad,
    bank_details,
    birth_certificate,
    care_sheet,
    equipment,
    hospital,
    hospital_abroad,
    invoice_de,
    pharmacy,
    physio,
    posting_certificate,
    prescription,
    prior_authorisation,
    quote,
    receipt_de,
    receipt_south,
    rights_certificate,
    ticket,
)
from samples.generator.layout import Doc

Builder = Callable[..., Doc]

REGISTRY: dict[str, Builder] = {
    "pharmacy_invoice": pharmacy.build,
    "physio_invoice": physio.build,
    "prescription": prescription.build,
    "card_ticket": ticket.build,
    "hospital_bulletin": hospital.build,
    "care_sheet": care_sheet.build,
    "invoice_jpy": abroad.build_jpy,
    "invoice_usd": abroad.build_usd,
    "card_ticket_jpy": ticket.build_jpy,
    "card_ticket_usd": ticket.build_usd,
    "quote": quote.build,
    "bank_details": bank_details.build,
    "rights_certificate": rights_certificate.build,
    "prior_authorisation": prior_authorisation.build,
    "posting_certificate": posting_certificate.build,
    "birth_certificate": birth_certificate.build,
    "invoice_hospital_abroad": hospital_abroad.build,
    "receipt_de": receipt_de.build,
    "invoice_de": invoice_de.build,
    "invoice_equipment": equipment.build,
    "receipt_south": receipt_south.build,
}
