"""Date parsing and the choice of the document's date on tricky strings."""

from datetime import date

import pytest

from extractors.classify import classify
from extractors.fields.dates import extract_date, find_dates, parse_numeric
from extractors.fields.extract import extract_fields
from tests.conftest import lines_of


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12/10/2021", date(2021, 10, 12)),
        ("12.10.21", date(2021, 10, 12)),
        ("2021-10-12", date(2021, 10, 12)),
        ("12 oct. 2021", date(2021, 10, 12)),
        ("25 DEC 2018", date(2018, 12, 25)),
        ("13 décembre 2023", date(2023, 12, 13)),
        ("12 sept. 2021", date(2021, 9, 12)),
        ("3 févr. 2022", date(2022, 2, 3)),
        ("1er août 2020", date(2020, 8, 1)),
        ("Oct 12, 2021", date(2021, 10, 12)),
        ("Date: 25/12/2018 10:32", date(2018, 12, 25)),
        ("TARIKH 02-01-2019", date(2019, 1, 2)),
        ("CB#:45976049320 25/Feb/2017 07:43:54", date(2017, 2, 25)),
        ("05-Jan-2019", date(2019, 1, 5)),
        ("Boulogne, le 10:mai 2022", date(2022, 5, 10)),  # a speck between the day and the month
        ("du 24 mars: 2019", date(2019, 3, 24)),  # ...or between the month and the year
    ],
)
def test_formats(text, expected):
    assert [c.value for c in find_dates(lines_of(text), today=date(2026, 11, 1))] == [expected]


def test_day_first_unless_american():
    assert parse_numeric("03", "04", "2021", month_first=False) == date(2021, 4, 3)
    assert parse_numeric("03", "04", "2021", month_first=True) == date(2021, 3, 4)
    # a day-first reading that cannot be a date falls back to month-first, and vice versa
    assert parse_numeric("12", "31", "2021", month_first=False) == date(2021, 12, 31)


def test_birth_and_print_dates_are_not_the_care_date():
    lines = lines_of("Pharmacie du Centre", "Né(e) le 03/04/1985", "Facture du 12 sept. 2021", "Imprimé le 14/09/2021")
    field = extract_date(lines, today=date(2026, 11, 1))
    assert field is not None and field.value == "2021-09-12" and field.raw == "12 sept. 2021"
    assert field.page == 1 and field.bbox is not None and field.rule == "date.text_dmy"


def test_future_date_loses_to_past_date():
    field = extract_date(lines_of("Date 12/10/2031", "Date 12/10/2021"), today=date(2026, 11, 1))
    assert field.value == "2021-10-12"


def test_no_date():
    assert extract_date(lines_of("Total 45,30 €")) is None


def test_year_garbled_by_ocr_is_repaired_with_less_confidence():
    lines = lines_of("Date: 12-02-2618 10:32")
    field = extract_date(lines, today=date(2026, 11, 1))
    assert field.value == "2018-02-12" and field.rule.endswith("+year_repaired") and field.confidence < 0.8


def test_impossible_day_is_repaired_from_an_ocr_confusion_with_low_confidence():
    field = extract_date(lines_of("Date: 63/09/2017"), today=date(2026, 11, 1))
    assert field.value == "2017-09-03" and field.rule.endswith("+digit_repaired") and field.confidence < 0.8


def test_year_first_date_gets_the_same_repair_and_beats_an_address_number():
    lines = lines_of("AOYAMA FAMILY CLINIC", "1-7-11 Nishi-Kita", "PURCHASE", "DATE: 2021/10/63 15:16", "TOTAL ¥7,500")
    field = extract_date(lines, today=date(2026, 11, 1))
    assert field.value == "2021-10-03" and field.rule == "date.numeric_ymd+digit_repaired" and field.confidence < 0.8


def test_year_first_date_beyond_repair_is_no_date():
    assert extract_date(lines_of("DATE: 2021/10/55"), today=date(2026, 11, 1)) is None


def test_month_first_fallback_outside_america_is_not_confident():
    field = extract_date(lines_of("Date: 01/14/2017"), today=date(2026, 11, 1))
    assert field.value == "2017-01-14" and field.rule.endswith("+order_fallback") and field.confidence < 0.8


def test_hospital_bulletin_date_is_the_first_day_of_the_stay():
    lines = lines_of("BULLETIN DE SITUATION", "Lyon, le 12/03/2024", "Date d'entrée : 04/03/2024    Date de sortie : 09/03/2024")
    field = extract_date(lines, today=date(2026, 11, 1), doc_type="hospital_bulletin")
    assert field.value == "2024-03-04" and field.rule.endswith("+stay_start")


def test_compact_date_only_right_after_a_date_label():
    assert extract_date(lines_of("Doc No CS00011955 Date 02122017")).value == "2017-12-02"
    assert extract_date(lines_of("Ref 02122017")) is None
    assert extract_date(lines_of("Date/Time 20180428/191204 Cashier A")).value == "2018-04-28"  # ISO basic, year first
    assert extract_date(lines_of("Invoice No 20180428")) is None


def test_a_certificate_is_dated_where_it_was_signed_not_by_the_facts_it_states():
    today = date(2026, 11, 1)
    posting = lines_of(
        "ATTESTATION DE DÉTACHEMENT",
        "atteste que Mme Amélie BERNARD, née le 10/07/1988, employée en qualité de conducteur de travaux depuis le",
        "23/11/2017, est détachée aux Pays-Bas (Utrecht) du 17/06/2019 au 24/11/2020 pour le compte de notre",
        "Boulogne-Billancourt, le 08/05/2019",
    )
    assert extract_date(posting, today=today, doc_type="posting_certificate").value == "2019-05-08"
    birth = lines_of(
        "EXTRAIT D'ACTE DE NAISSANCE",
        "Le 15 mai 2008, à onze heures, est né à Bordeaux : Karim GIRARD",
        "Bordeaux, le 7 déc. 2019",
    )
    assert extract_date(birth, today=today, doc_type="birth_certificate").value == "2019-12-07"
    married = lines_of(
        "Copie intégrale de l'acte de naissance",
        "Le sept août mille neuf cent quatre-vingt-sept est née à Metz : Léa LAURENT",
        "Mentions marginales : Mariée à Annecy le 14/10/2006 avec Elodie KERBOUL",
        "Metz, le:10 juillet 2021",  # a speck read as a colon after "le"
    )
    assert extract_date(married, today=today, doc_type="birth_certificate").value == "2021-07-10"
    rights = lines_of("ATTESTATION DE DROITS", "Date d'édition : 8 décembre 2019", "DUBOIS Stéphane 21 mars 1998 Assuré(e)")
    assert extract_date(rights, today=today, doc_type="rights_certificate").value == "2019-12-08"


def test_the_date_of_an_order_referred_to_is_not_the_invoice_date():
    rows = (
        "RECHNUNG",
        "Leistungsdatum 03.06.2013",
        "Rechnung gemäß Bestellung Nr. 2013-471331",
        "69876 Frankfurt vom 01.03.2013.",
        "Deutschland 05.06.2013",
    )
    assert extract_date(lines_of(*rows), doc_type="invoice").value != "2013-03-01"
    french = ("FACTURE", "Suivant votre commande du 12/02/2025", "Bordeaux, 20/02/2025")
    assert extract_date(lines_of(*french), doc_type="invoice").value == "2025-02-20"
    quote = ("DEVIS", "Devis n° 2025-7610 du 22/03/2025")  # a quote's own date
    assert extract_date(lines_of(*quote), doc_type="quote").value == "2025-03-22"


def test_the_prescription_a_bill_refers_to_does_not_date_the_bill():
    # a physiotherapist's bill: "Lé" is OCR's "Le", the prescription's date is another document's
    rows = ("Facture acquittée", "Lé 10/06/20", "Sur prescription du Dr KERBOUL du 05/05/2020", "20/05/2020 AMS 7,5 19,53 €")
    assert extract_date(lines_of(*rows), doc_type="invoice").value == "2020-06-10"
    prescription = ("ORDONNANCE", "Dr KERBOUL", "Le 05/05/2020", "Kinésithérapie 10 séances")  # its own date
    assert extract_date(lines_of(*prescription), doc_type="prescription").value == "2020-05-05"


@pytest.mark.parametrize(
    "code",
    ["HC03-7 - 15", "XE11-22 -30", "RC11-23-42-12/144"],  # article codes on a receipt's item rows
)
def test_digits_of_an_article_code_are_not_the_receipt_date(code):
    lines = lines_of("MR HARDWARE SDN BHD", "CHOPPING BOARD", code, "1 X 19.00 19.00", "TOTAL RM 19.00", "12-01-19 21:13 SH01")
    assert extract_date(lines, today=date(2026, 1, 1)).value == "2019-01-12"


def test_a_date_glued_to_its_label_by_ocr_is_still_read():
    found = find_dates(lines_of("INVOICE 55", "Date26/03/2018 Cashier 7"), today=date(2026, 1, 1))
    assert [c.value for c in found] == [date(2018, 3, 26)] and found[0].score > 0.5


def test_a_label_announces_the_date_after_it_not_the_one_closing_its_range():
    """ "pour 8 séances du 02/04/2024 au 26/04/2024": the "du" is the first day's; the receipt's own date is the
    day it was signed."""
    lines = lines_of(
        "REÇU",
        "Je soussigné Marc DUBOIS reconnais avoir reçu de Mme Léa ROUX",
        "la somme de 172,80 euros",
        "pour 8 séances de rééducation du 02/04/2024 au 26/04/2024",
        "Fait à Rennes le 29/04/2024",
    )
    assert classify(lines).doc_type.value == "receipt"
    assert extract_fields(lines, "receipt")["date"].value == "2024-04-29"


@pytest.mark.parametrize(
    ("rows", "kind", "expected"),
    [
        pytest.param(
            (
                "ATTESTATION DE DROITS",
                "Date d'édition : 21 février 2026",
                "Date de naissanc 16/05/2001",
                "Bénéficiaire Naissance Jusqu'au",
                "DUPONT 12/03/1950 31/12/2026",
                "DUPONT 04/07/1952 31/12/2026",
            ),
            "rights_certificate",
            "2026-02-21",
            # a beneficiaries' table dates births and rights' ends, not the certificate; a birth date's label
            # cut by OCR ("Date de naissanc") still names a birth date
            id="a date under a column naming another date is not the document's",
        ),
        pytest.param(
            ("AOYAMA CLINIC", "2-16-12 Minato", "CREDIT CARD SALE", "DATE: 2023/02/18 17:15", "TOTAL ¥5,940"),
            "receipt",
            "2023-02-18",
            id="a header word that only holds another label penalises nothing (credit is no edite)",
        ),
        pytest.param(
            (
                "ORTHODONTIE DU PARC",
                "Plan de paiement",
                "Échéance Montant",
                "05/04/2024 150,00",
                "05/05/2024 150,00",
                "Total 300,00 €",
                "Lyon 01/03/2024",
            ),
            "invoice",
            "2024-03-01",
            id="the dates of a payment schedule are its instalments",
        ),
        pytest.param(
            (
                "Audition du Parc",
                "Devis n° 2022-7044",
                "Prescription médicale du Dr Jean-Pierre LAMBERT du 02/08/2022",
                "Montant total 4 430,69 EUR",
                "Marseille 12/11/2022",
            ),
            "quote",
            "2022-11-12",
            id="a prescription named with its prescriber still dates the prescription",
        ),
    ],
)
def test_the_documents_date_among_dates_that_belong_to_something_else(rows, kind, expected):
    assert extract_fields(lines_of(*rows), kind)["date"].value == expected


def test_a_row_of_figures_above_a_date_heads_no_column_and_a_return_deadline_is_no_issue_date():
    rows = (
        "CVS/pharmacy",
        "1200 Main St",
        "TOTAL 14.32",
        "VISA 14.32",
        "Exp 08/27",
        "04/05/2024 10:22 AM",
        "RETURN BY 07/04/2024",
    )
    lines = lines_of(*rows)
    assert extract_date(lines, month_first=True).value == "2024-04-05"


@pytest.mark.parametrize(
    ("rows", "guessed"),
    [
        (("PINECREST MEDICAL GROUP", "PURCHASE", "DATE: 10/02/2022 03:50 PM", "TOTAL $358.30"), True),
        (("PINECREST MEDICAL GROUP", "Boston, MA 02115", "DATE: 10/02/2022 03:50 PM", "TOTAL $358.30"), False),  # a country
        (("PINECREST MEDICAL GROUP", "DATE: 10/02/2022", "Printed 10/25/2022", "TOTAL $358.30"), False),  # one reads one way
        (("PHARMACIE", "Date : 10/02/2022", "TOTAL 12,00 €"), False),  # no dollar: the day comes first
        (("CLINIC", "DATE: 02/02/2022", "TOTAL $35.00"), False),  # the same either way
        (("MAPLE STREET PHARMACY", "DATE: 98/05/2023 02:55 PM", "TOTAL $479.97"), True),  # 98: a misread 08, no day
        (("MAPLE STREET PHARMACY", "DATE: 02/01/2026 12:09 PM", "TOTAL USD 312.25"), True),  # the dollar as its code
    ],
)
def test_a_date_read_either_way_on_a_dollar_page_that_names_no_country_is_a_guess(rows, guessed):
    field = extract_fields(lines_of(*rows), "receipt")["date"]
    assert field.rule.endswith("+order_guess") is guessed
    assert (field.confidence <= 0.6) if guessed else True


def test_a_birth_certificates_act_drawn_up_decades_ago_does_not_date_the_copy():
    lines = lines_of(
        "Copie intégrale de l'acte de naissance",
        "Dressé le 11 décembre 1990, à dix heures trente, sur la déclaration du père",
        "Délivrée le 01/12/2019",
    )
    assert extract_fields(lines, "birth_certificate")["date"].value == "2019-12-01"
    unreadable = lines_of(*(line.text for line in lines[:2]), "Délivrée le o1/1 2/2019")  # the copy's day lost to OCR
    assert extract_fields(unreadable, "birth_certificate")["date"].confidence < 0.5  # the act's day: a weak guess


def test_a_date_whose_slashes_ocr_read_as_colons_is_read_after_le_only_and_never_sure():
    lines = lines_of("Dr Léa BRUNET", "À Saint-Denis, lé 06:07:26", "Date de naissance : 13/04/1951", "Lamaline gél. B/30")
    field = extract_date(lines, doc_type="prescription")
    assert (field.value, field.rule) == ("2026-07-06", "date.colon_dmy+colons_read")
    assert field.confidence < 0.8
    assert find_dates(lines_of("Heure 06:07:26"), today=date(2026, 11, 1)) == []  # a time


def test_a_journeys_departure_and_return_do_not_date_a_mission_order():
    lines = lines_of(
        "ORDRE DE MISSION",
        "Destination Saarbrücken (Allemagne)",
        "Date de départ 14 févr. 2021",
        "Date de retour 24 mars 2021",
        "Date : 19 janv. 2021",
        "Signature et cachet",
    )
    assert extract_date(lines, doc_type="posting_certificate").value == "2021-01-19"


@pytest.mark.parametrize("first", ["1er", "ler", "Ier"])
def test_a_first_of_the_month_ocr_misread_still_wraps_onto_the_next_row(first):
    lines = lines_of(f"est détachée en Autriche du 25 mars 2026 au {first} novembre", "2026 pour le compte de notre société")
    found = [(c.value, c.rule) for c in find_dates(lines, today=date(2026, 11, 1))]
    assert found == [(date(2026, 3, 25), "date.text_dmy"), (date(2026, 11, 1), "date.text_dmy+wrapped")]


def test_a_day_ocr_split_in_two_is_joined_before_a_zero_padded_month_only():
    [split] = find_dates(lines_of("Extrait délivré le 1 1/04/2019"), today=date(2026, 11, 1))
    assert (split.value, split.raw, split.rule) == (date(2019, 4, 11), "1 1/04/2019", "date.numeric_dmy+day_joined")
    # a lone digit before a date whose month is not padded is another number (a quantity, a page)
    [apart] = find_dates(lines_of("Page 1 1/4/2019"), today=date(2026, 11, 1))
    assert (apart.value, apart.rule) == (date(2019, 4, 1), "date.numeric_dmy")
    assert [c.value for c in find_dates(lines_of("Qté 4 12/03/2025"), today=date(2026, 11, 1))] == [date(2025, 3, 12)]


@pytest.mark.parametrize("printed", ["201 9-03-31", "2 019/03/31"])
def test_a_year_ocr_split_in_two_is_joined_before_a_zero_padded_month(printed):
    # not the day-first "9-03-31" (2031) that the split leaves behind
    [split] = find_dates(lines_of(f"Facturé le {printed}"), today=date(2026, 11, 1))
    assert (split.value, split.raw, split.rule) == (date(2019, 3, 31), printed, "date.numeric_ymd+year_joined")


def test_a_number_before_an_iso_date_stays_apart():
    for text in ("Réf 20 2019-03-31", "Qté 12 2019-03-31", "N° 1 2019-03-31"):
        [date_read] = find_dates(lines_of(text), today=date(2026, 11, 1))
        assert (date_read.value, date_read.raw, date_read.rule) == (date(2019, 3, 31), "2019-03-31", "date.numeric_ymd")
    # a session's number before a day-first date with a two-digit year
    [session] = find_dates(lines_of("19 25/09/26 AMK 8 1 17,20"), today=date(2026, 11, 1))
    assert (session.value, session.raw) == (date(2026, 9, 25), "25/09/26")


@pytest.mark.parametrize("label", ["Extrait délivré le", "Fait à Lyon, le", "Établi le", "Attestation émise le"])
def test_a_certificates_own_day_outranks_an_event_it_records(label):
    lines = lines_of(
        "EXTRAIT SANS FILIATION",
        "Date de naissance : 1er novembre 1987",
        "Mentions marginales : Mariée à Rennes le 10/12/2016",
        f"{label} 11/04/2019",
    )
    assert extract_date(lines, doc_type="birth_certificate").value == "2019-04-11"


def test_a_marital_status_is_no_event_and_does_not_undo_the_date_after_it():
    lines = lines_of("ATTESTATION", "Situation : Mariée Date : 03/03/2025", "Né le 01/02/1980")
    assert extract_date(lines, doc_type="rights_certificate").value == "2025-03-03"


def test_a_first_name_marie_is_no_marriage():
    lines = lines_of("Dr Marie Le Goff 03/03/2025", "Médecin généraliste")
    assert [round(c.score, 2) > 0.5 for c in find_dates(lines, today=date(2026, 11, 1))] == [True]


def test_a_marriage_in_the_margin_and_a_speck_after_the_place_of_delivery():
    lines = lines_of(
        "Extrait d'acte de naissance sans filiation",
        "Date de naissance : le 14 octobre 1999",
        "Mentions marginales : Marié à Lille le 05/05/2018 avec Chloé NGUYEN",
        "Délivré à Tours,.le 11.06.26",
    )
    field = extract_date(lines, doc_type="birth_certificate")
    assert (field.value, field.rule) == ("2026-06-11", "date.numeric_dmy+issue_label")


def test_the_date_of_a_law_a_form_cites_is_not_the_forms():
    lines = lines_of(
        "FEUILLE DE SOINS",
        "Date Code Libellé Montant",
        "11/08/2023 G Consultation 25,00 €",
        "Les informations sont transmises à votre caisse d'assurance maladie. Loi 78-17 2 du 6 janvier 19 78.",
    )
    assert extract_date(lines).value == "2023-08-11"


@pytest.mark.parametrize(
    "reference",
    # Italian, Spanish, Portuguese; the link OCR ran into the word
    ["Ricetta del 14/02/2023", "Receta de 14/02/2023", "Receita de 2023-02-14", "Ricettadel 14/02/2023"],
)
def test_the_prescription_a_southern_till_receipt_names_does_not_date_it(reference):
    rows = ("FARMACIA ROSSI", "SCONTRINO", reference, "TACHIPIRINA 500MG 10% 4,90", "TOTALE 4,90", "25-02-2023 20:23")
    assert extract_date(lines_of(*rows), today=date(2026, 1, 1)).value == "2023-02-25"
