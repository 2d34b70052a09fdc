"""First document-type guess from keywords."""

import pytest

from extractors.classify import classify
from models import DocType
from tests.conftest import lines_of


@pytest.mark.parametrize(
    "texts, expected",
    [
        (("PHARMACIE DU MARCHE", "FACTURE N° 2021-118", "Net à payer 12,00 €"), DocType.INVOICE),
        (("ORDONNANCE", "Dr Martin", "Doliprane 1000 mg : 1 comprimé 3 fois par jour"), DocType.PRESCRIPTION),
        (("TICKET CLIENT", "CARTE BANCAIRE", "SANS CONTACT", "MONTANT 12,00 EUR", "A CONSERVER"), DocType.RECEIPT),
        (("FEUILLE DE SOINS", "Identification du praticien", "Signature du praticien"), DocType.CARE_SHEET),
        (("BULLETIN DE SITUATION", "Date d'entrée 01/02/2021", "Date de sortie 05/02/2021"), DocType.HOSPITAL_BULLETIN),
        (("Lorem ipsum dolor sit amet",), DocType.OTHER),
    ],
)
def test_types(texts, expected):
    result = classify(lines_of(*texts))
    assert result.doc_type is expected
    assert 0 <= result.score <= 1 and result.reasons
