"""Stay and validity periods, and the prescription date, on tricky strings."""

import pytest

from extractors.fields.periods import extract_periods, extract_prescription_date
from models import Field
from tests.conftest import lines_of


@pytest.mark.parametrize(
    "texts, expected",
    [
        (["Hospitalisé(e) du 03/02/2024 au 07/02/2024"], ("2024-02-03", "2024-02-07")),
        (["Date d'entrée : 3 février 2024    Date de sortie : 7 février 2024"], ("2024-02-03", "2024-02-07")),
        (["Séjour du 28.12.23 au 02.01.24"], ("2023-12-28", "2024-01-02")),
        (["Date d'entrée : 12/03/2022", "Motif : appendicectomie", "Date de sortie : 15/03/2022"], ("2022-03-12", "2022-03-15")),
        (["Admitted on 2021-10-12, discharge date 2021-10-15"], ("2021-10-12", "2021-10-15")),
    ],
)
def test_stay(texts, expected):
    fields = extract_periods(lines_of(*texts), "hospital_bulletin")
    assert (fields["stay_from"].value, fields["stay_to"].value) == expected
    assert fields["stay_from"].bbox is not None and fields["stay_from"].confidence > 0.5


def test_bare_range_is_a_stay_only_on_a_bulletin():
    lines = lines_of("du 03/02/2024 au 07/02/2024")
    assert "stay_from" in extract_periods(lines, "hospital_bulletin")
    assert extract_periods(lines, "invoice") == {}


def test_validity_period_of_a_posting():
    fields = extract_periods(lines_of("Période de détachement : du 01/09/2025 au 31/08/2026"), "posting_certificate")
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2025-09-01", "2026-08-31")
    assert "stay_from" not in fields


def test_reversed_range_is_not_a_period():
    assert extract_periods(lines_of("Hospitalisé du 07/02/2024 au 03/02/2024"), "hospital_bulletin") == {}


def test_session_row_date_is_not_a_validity_start():
    assert extract_periods(lines_of("Séance n° 1 du 12/03/2024 16,13 €", "Séance n° 2 du 14/03/2024 16,13 €"), "invoice") == {}


def test_prescription_date_announced_on_an_invoice():
    lines = lines_of("Facture du 20/03/2024", "Sur prescription du Dr MARTIN du 02/03/2024", "Séance du 05/03/2024 16,13")
    field = extract_prescription_date(lines, "invoice", None)
    assert field.value == "2024-03-02" and field.rule == "prescription_date.label"


def test_no_prescription_date_without_its_label():
    assert extract_prescription_date(lines_of("Facture du 20/03/2024", "Né le 02/03/1970"), "invoice", None) is None


def test_stay_reason_right_of_its_label():
    from extractors.fields.periods import extract_stay_reason

    field = extract_stay_reason(lines_of("Date d'entrée : 12/03/2022", "Motif d'hospitalisation : Pose de prothèse de hanche"))
    assert field.value == "Pose de prothèse de hanche" and field.rule == "stay_reason.label_right"
    assert extract_stay_reason(lines_of("Motif :")) is None


def test_period_read_through_ocr_noise_and_line_breaks():
    fields = extract_periods(lines_of("Période de garantie : du ler janvier 2026 au ler novembre 2026"), "rights_certificate")
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2026-01-01", "2026-11-01")
    fields = extract_periods(lines_of("Période autorisée : du 16.02.22 au.13.08.22"), "prior_authorisation")
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2022-02-16", "2022-08-13")
    fields = extract_periods(
        lines_of("est détachée en Suisse du 14 juil. 2019 au", "16 mars 2021 pour y exercer"), "posting_certificate"
    )
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2019-07-14", "2021-03-16")
    # the line break inside the end date itself, between its month and its year
    fields = extract_periods(
        lines_of("est détachée en Italie (Torino) du 20 mai 2021 au 4 déc.", "2021 pour le compte de notre société"),
        "posting_certificate",
    )
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2021-05-20", "2021-12-04")
    # a number opening the next line that is no year does not make a date
    assert "valid_to" not in extract_periods(lines_of("du 20 mai 2021 au 4 déc.", "12 salariés détachés"), "posting_certificate")
    # ...or between its day and its month
    fields = extract_periods(
        lines_of("est détachée en Espagne (Alicante) du 30 décembre 2019 au 5", "juillet 2020 pour le compte de notre société"),
        "posting_certificate",
    )
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2019-12-30", "2020-07-05")
    assert "valid_to" not in extract_periods(lines_of("du 30 décembre 2019 au bâtiment 5", "juillet 2020"), "posting_certificate")
    # a day OCR glued to the word before it
    fields = extract_periods(lines_of("Période autorisée du 26 oct. 2019 au20 févr. 2020"), "prior_authorisation")
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2019-10-26", "2020-02-20")
    assert "valid_to" not in extract_periods(
        lines_of("Période autorisée du 26 oct. 2019 bureau20 févr. 2020"), "prior_authorisation"
    )


def test_a_period_named_at_the_end_of_the_row_above_its_range():
    prose = (
        "atteste que M. Théo DA SILVA, employé depuis le 7 septembre 2013, est détaché",
        "en Autriche (Innsbruck) du 26 décembre 2021 au 31 octobre 2023 pour le compte de notre société",
    )
    fields = extract_periods(lines_of(*prose), "posting_certificate")
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2021-12-26", "2023-10-31")
    unnamed = ("Facture de consultation", "Soins du 3 janvier 2024 au 5 janvier 2024")
    assert extract_periods(lines_of(*unnamed), "invoice") == {}


@pytest.mark.parametrize(
    "row, expected_to",
    [
        ("Ce devis est valable 3 mois.", "2021-01-23"),  # calendar months (Code civil art. 641), not 90 days
        ("Durée de validité : 2 mois", "2020-12-23"),
        ("Devis valable 30 jours", "2020-11-22"),
    ],
)
def test_a_quote_valid_for_a_duration_runs_from_its_date(row, expected_to):
    quote_date = Field(value="2020-10-23", raw="23/10/2020", confidence=0.95, page=1, bbox=None, rule="date.label")
    fields = extract_periods(
        lines_of("Devis équipement optique", "Date du devis : 23/10/2020", row), "quote", document_date=quote_date
    )
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2020-10-23", expected_to)
    assert fields["valid_to"].rule == "valid_to.duration" and fields["valid_to"].confidence < quote_date.confidence
    prescription = extract_periods(lines_of("ORDONNANCE", "Ordonnance valable 3 mois"), "prescription", document_date=quote_date)
    assert "valid_to" not in prescription  # only the kinds periods.toml names


@pytest.mark.parametrize(
    "texts",
    [
        # the first date cut by the line break, the joiner opening the next row
        ["est détaché au Portugal (Faro) du 7 août", "2025 au 10 août 2026 pour le compte de notre société."],
        # the joiner opening the next row after a whole date
        ["est détaché au Portugal du 7 août 2025", "au 10 août 2026 pour le compte de notre société."],
        # the joiner ending the first row
        ["est détaché au Portugal du 7 août 2025 au", "10 août 2026 pour le compte de notre société."],
    ],
)
def test_a_posting_period_cut_by_a_line_break(texts):
    fields = extract_periods(lines_of(*texts), "posting_certificate")
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2025-08-07", "2026-08-10")


def test_a_speck_between_month_and_year():
    fields = extract_periods(lines_of("2.4 Période autorisée du 24 mars: 2019 au 5 juin 2019"), "prior_authorisation")
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2019-03-24", "2019-06-05")


def test_a_speck_between_day_and_month():
    fields = extract_periods(lines_of("Admission date: 1 Jan 2022", "Discharge date: 9: Jan 2022"), "invoice")
    assert (fields["stay_from"].value, fields["stay_to"].value) == ("2022-01-01", "2022-01-09")


@pytest.mark.parametrize(
    "texts",
    [
        ["Aufnahmedatum: 22.11.2025", "Entlassungsdatum: 30.11.2025"],
        ["Fecha de ingreso: 22/11/2025", "Fecha de alta: 30/11/2025"],
        ["Data di ricovero: 22/11/2025", "Data di dimissione: 30/11/2025"],
        ["Admitted: November 22, 2025", "Discharged: November 30, 2025"],
    ],
)
def test_a_stay_abroad_by_its_labels(texts):
    fields = extract_periods(lines_of("RECHNUNG", *texts), "invoice")
    assert (fields["stay_from"].value, fields["stay_to"].value) == ("2025-11-22", "2025-11-30")


def test_a_dash_ocr_glued_to_the_range_word():
    lines = lines_of("Attestation de vos droits", "Période de validité : du 1er avril 2025 au-1er novembre 2026.")
    fields = extract_periods(lines, "rights_certificate")
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2025-04-01", "2026-11-01")
