"""First document-type guess from keywords."""

from dataclasses import replace

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
        (
            (
                "Caisse primaire d'assurance maladie",
                "Attestation de vos droits",
                "Identification de l'assuré(e)",
                "Nom, prénom : J. M.",
            ),
            DocType.RIGHTS_CERTIFICATE,
        ),
        (("Lorem ipsum dolor sit amet",), DocType.OTHER),
    ],
)
def test_types(texts, expected):
    result = classify(lines_of(*texts))
    assert result.doc_type is expected
    assert 0 <= result.score <= 1 and result.reasons


FOREIGN_CLINIC_RECEIPT = (
    "Umeda Medical Office",
    "9-17-16 Higashi-Nakagyo, Kyoto",
    "RECEIPT",
    "Issued: 19 Jul 2019",
    "Patient: Raphaël Texier",
    "Description Amount",
    "Medication (7 days) 3,170 yen",
    "Total amount 3,170 yen",
    "Thank you for your visit.",
)


def test_a_receipt_billing_care_to_a_named_patient_is_a_paid_invoice():
    result = classify(lines_of(*FOREIGN_CLINIC_RECEIPT))
    assert result.doc_type is DocType.INVOICE
    assert "patient nommé sur une page chiffrée" in result.reasons
    by_birth = [row.replace("Patient: Raphaël Texier", "Date of birth: 1942/05/29") for row in FOREIGN_CLINIC_RECEIPT]
    assert classify(lines_of(*by_birth)).doc_type is DocType.INVOICE
    anonymous = [row for row in FOREIGN_CLINIC_RECEIPT if not row.startswith("Patient")]
    assert classify(lines_of(*anonymous)).doc_type is DocType.RECEIPT


def test_a_patient_named_on_another_page_does_not_make_a_card_ticket_an_invoice():
    ticket = ("CARTE BANCAIRE", "SANS CONTACT", "DEBIT", "TICKET CLIENT", "A CONSERVER", "MONTANT 14,69 EUR", "14,69 EUR")
    prescription = ("Dr Sandrine CARON", "Pour : LAURENT Anaïs", "Né(e) le 12/04/1946", "20 séances de kinésithérapie")
    lines = [*lines_of(*ticket), *[replace(line, page=2, index=line.index + len(ticket)) for line in lines_of(*prescription)]]
    assert classify(lines).doc_type is DocType.RECEIPT


def test_medicines_priced_in_the_french_euro_style_are_sold_not_prescribed():
    invoice = (
        "PHARMACIE BRUNET",
        "FACTURE",
        "Prescripteur : Dr MOREAU - ordonnance du 24/05/2026",
        "Article Montant",
        "1 x Amoxicilline Biogaran 1 g cp B/6 6€12",
        "2 x Ventoline 100 µg inhal. 8€92",
        "1 x Xyzall 5 mg cp B/28 6€55",
        "Total à payer 21€59",
    )
    result = classify(lines_of(*invoice))
    assert result.doc_type is DocType.INVOICE
    assert "4 lignes chiffrées (mise en page)" in result.reasons  # the total row is priced too


def test_an_audiologists_price_proposal_is_a_quote_though_it_lists_fees_like_a_bill():
    lines = lines_of(
        "LABORATOIRE D'AUDIOPROTHESE",
        "Proposition tarifaire - appareillage auditif",
        "Le 17/05/2019",
        "N° de devis : 2019-4954",
        "Nom du patient : Jérôme Martin",
        "Type Désignation Base remb. Prix TTC",
        "Classe I Aide auditive contour - oreille droite 240,00 EUR 950.00",
        "Classe I Aide auditive contour - oreille gauche 240,00 EUR 950.00",
        "Total des honoraires EUR 1900.00",
        "Validité de l'offre : jusqu'au 16/07/2019",
        "Accord du patient Cachet et signature du praticien",
    )
    assert classify(lines).doc_type is DocType.QUOTE


def test_a_quote_with_a_bills_headers_is_told_by_its_closing_block():
    lines = lines_of(
        "CENTRE AUDITIF",
        "Devis n° 2026-9892",
        "Établi le 28 juin 2026",
        "Nom du patient : LEROY Chloé",
        "Désignation Qté P.U. Montant",
        "Aide auditive intra-auriculaire - oreille droite 1 1490,00 EUR 1490.00",
        "Chargeur de nuit 133,45 EUR 133.45",
        "Total TTC EUR 1623.45",
        "Reste à charge estimé (avant mutuelle) EUR 1063.45",
        "Date de fin de validité : 01/11/2026",
        "Accord du patient Cachet et signature du praticien",
    )
    assert classify(lines).doc_type is DocType.QUOTE


def test_an_english_card_slip_whose_card_line_ocr_garbled_is_a_receipt():
    lines = lines_of(
        "GREENWAY PHARMACY",
        "San Francisco, CA 94124",
        "SALE",
        "DATE: 11/27/2025 05:17 PM",
        "GARD IGAS area AEN 4311/5)",
        "ENTRY: CONTACTLESS",
        "AUTH CODE: 010546",
        "TOTAL $597.14",
        "APPROVED",
        "CUSTOMER COPY",
        "PLEASE RETAIN FOR YOUR RECORDS",
    )
    assert classify(lines).doc_type is DocType.RECEIPT


@pytest.mark.parametrize(
    ("rows", "kind"),
    [
        pytest.param(
            (
                "Royal Free Hospital",
                "Pond Street",
                "Statement of Account",
                "Date: 16/10/2022",
                "Patient: Aurélie TEXIER",
                "Admission date: 14/10/2022",
                "Discharge date: 16/10/2022",
                "Amount",
                "Inpatient stay (2 nights) £1,755.35",
                "Surgeon's fee £712.76",
                "Total £2,468.11",
            ),
            DocType.INVOICE,
            id="an English hospital's statement of account is its bill",
        ),
        pytest.param(
            (
                "Urssaf Pays de la Loire",
                "DOCUMENT PORTABLE Al",
                "Personne concernée",
                "Nom TEXIER",
                "État membre dont la législation est applicable",
                "État membre FRANCE",
                "Date de début 15/04/2023",
                "Activité dans l'État d'accueil",
                "Lieu Bruxelles (Belgique)",
            ),
            DocType.POSTING_CERTIFICATE,
            id="an A1 whose title OCR misread is told by its sections",
        ),
        pytest.param(
            (
                "Centre Hospitalier de Polynésie française",
                "Facture de soins",
                "Date : 03/11/2023",
                "Patient : Sébastien Lemoine",
                "Date d'entrée : 01/11/2023",
                "Date de sortie : 03/11/2023",
                "Hospitalisation (2 jours) 91 200 XPF",
                "Forfait journalier 8 800 XPF",
                "Montant à régler 100 000 XPF",
            ),
            DocType.INVOICE,
            id="a hospital's facture de soins listing a stay is its bill",
        ),
    ],
)
def test_what_a_document_calls_itself_or_its_own_sections_outweigh_its_content(rows, kind):
    assert classify(lines_of(*rows)).doc_type is kind


# A foreign hospital's bill listing a stay: the stay's admission and discharge dates are a bulletin's words;
# its priced rows (any currency's marker after the amount) and its title make it the bill
HOSPITAL_BILLS_ABROAD = [
    # XPF amounts are space-grouped with no cents: its priced rows count as such
    (
        "Centre Hospitalier de Polynésie française",
        "98716 Pirae, Tahiti",
        "FACTURE",
        "Date : 31 janvier 2022",
        "Patient : Véronique Hoarau",
        "Date d'entrée : 28 janvier 2022",
        "Date de sortie : 29 janvier 2022",
        "Hospitalisation (1 jours) 244 600 F CFP",
        "Bloc opératoire 192 500 F CFP",
        "Forfait journalier 10 700 F CFP",
        "Total à payer 447 800 F CFP",
    ),
    (
        "Bumrungrad International Hospital",
        "Bangkok 10110, Thailand",
        "Statement of Charges",
        "Date: 21 Nov 2023",
        "Patient name: Maélys Blanc",
        "Admission date: 14 Nov 2023",
        "Discharge date: 16 Nov 2023",
        "Inpatient room (2 nights) 10,561.78 Baht",
        "Operating theatre 45,735.16 Baht",
        "Doctor fee 19,988.68 Baht",
        "Total amount 76,285.62 Baht",
    ),
]


@pytest.mark.parametrize("rows", HOSPITAL_BILLS_ABROAD)
def test_a_foreign_hospitals_bill_listing_a_stay_is_an_invoice_not_a_bulletin(rows):
    result = classify(lines_of(*rows))
    assert result.doc_type is DocType.INVOICE
    assert "4 lignes chiffrées (mise en page)" in result.reasons


def test_space_grouped_figures_without_a_currency_are_no_priced_rows():
    assert classify(lines_of("Code postal 75 001", "Tél 01 234 567", "Dossier 12 345")).doc_type is not DocType.INVOICE


def test_a_german_till_receipt_naming_its_prescription_is_a_receipt():
    # a pharmacy's till without umlauts, its fiscal module's rows; "Rezept vom" refers to the prescription filled
    rows = (
        "Adler-Apotheke am Rathaus",
        "Rezept vom 30.09.2023",
        "Paracetamol 500mg 20 Tabl. 2,89 A",
        "Gesamt 2,89",
        "Bar EUR 5,00",
        "Zurueck 2,11",
        "TSE-Transaktion: 982518",
        "TSE-Start: 2023-10-13T17:44:51.000",
        "Vielen Dank fuer Ihren Einkauf!",
    )
    assert classify(lines_of(*rows)).doc_type == DocType.RECEIPT


@pytest.mark.parametrize(
    "rows",
    [
        (
            "Farmácia Silva",
            "NIF 916596195",
            "FATURA-RECIBO",
            "BRUFEN 400MG 6% 4,15",
            "TOTAL 4,15",
            "Numerário 5,00",
            "Troco 0,85",
        ),
        ("Óptica Santa Ana", "Fatura simplificada", "LENTES DE CONTACTO 6% 65,90", "SOLUCAO UNICA 6% 12,77", "TOTAL 78,67"),
        (
            "Farmacia García",
            "TICKET",
            "IBUPROFENO 4% 2,50",
            "FRENADOL 4% 9,78",
            "PARACETAMOL 4% 1,90",
            "IMPORTE TOTAL 14,18",
            "Pago con tarjeta 14,18",
        ),
    ],
)
def test_a_portuguese_or_spanish_till_receipt_is_a_receipt_not_an_invoice(rows):
    assert classify(lines_of(*rows)).doc_type == DocType.RECEIPT


def test_a_long_title_misread_by_one_letter_still_names_the_document():
    rows = (
        "Optica Santa Maria S.L.",
        "NIF: 868158444",
        "{}",
        "SOLUCION UNICA 4% 27,52",
        "GAFAS DE LECTURA 4% 24,33",
        "LENTILLAS MENSUALES 4% 29,03",
        "TOTAL A PAGAR 80,88",
        "Tarjeta crédito 80,88",
    )
    assert classify(lines_of(*(r.format("Factura siaplificada") for r in rows))).doc_type == DocType.RECEIPT
    # two letters off, it is not that title: the "factura" it holds decides
    assert classify(lines_of(*(r.format("Factura siaplifiqada") for r in rows))).doc_type == DocType.INVOICE
