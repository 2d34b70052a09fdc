"""Session rows, count, first and last session of a series of care."""

from extractors.fields.sessions import extract_sessions
from tests.conftest import lines_of

INVOICE = [
    "Note d'honoraires",
    "Date : 28/03/2024",
    "Sur prescription du Dr MARTIN du 01/03/2024",
    "Né le 12/05/1980",
    "Date de la séance Acte Honoraires",
    "05/03/2024 AMK 7,5 16,13 €",
    "07/03/2024 AMK 7,5 16,13 €",
    "12.03.24 AMK 7,5 16,13 €",
    "14 mars 2024 AMK 7,5 16,13 €",
    "Nombre de séances : 4",
    "Total honoraires 64,52 €",
    "Acquittée le 29/03/2024 - chèque",
]


def test_rows_count_first_last():
    dates, fields = extract_sessions(lines_of(*INVOICE))
    assert [d.value for d in dates] == ["2024-03-05", "2024-03-07", "2024-03-12", "2024-03-14"]
    assert fields["first_session"].value == "2024-03-05" and fields["last_session"].value == "2024-03-14"
    assert fields["session_count"].value == "4" and "rows_agree" in fields["session_count"].rule


def test_numbered_sessions_without_amounts():
    lines = lines_of("Séance n° 1 du 05/03/2024", "Séance n° 2 du 07/03/2024", "Séance n° 3 du 09/03/2024")
    dates, fields = extract_sessions(lines)
    assert len(dates) == 3 and fields["session_count"].value == "3" and fields["session_count"].rule == "session_count.rows"


def test_count_disagreeing_with_rows_is_not_confident():
    lines = lines_of("05/03/2024 AMK 7,5 16,13", "07/03/2024 AMK 7,5 16,13", "Nombre de séances : 5")
    _, fields = extract_sessions(lines)
    assert fields["session_count"].value == "5" and fields["session_count"].confidence < 0.6


def test_printed_count_alone():
    dates, fields = extract_sessions(lines_of("Facture du 28/03/2024", "12 séances de rééducation", "Total 193,56 €"))
    assert dates == () and fields["session_count"].value == "12" and "first_session" not in fields


def test_a_single_treatment_row_is_one_session_only_on_the_bill_of_a_care_given_in_series():
    # a physiotherapy bill of one treatment day
    rows = lines_of("Rechnung", "06.07.2019 MT Manuelle Therapie 29,00 €", "Summe 29,00 €")
    dates, fields = extract_sessions(rows, one_row_is_a_series=True)
    assert [d.value for d in dates] == ["2019-07-06"] and fields["session_count"].value == "1"
    assert fields["first_session"].value == fields["last_session"].value == "2019-07-06"
    assert extract_sessions(lines_of("Facture du 05/03/2024 25,00 €"), one_row_is_a_series=True) == ((), {})
    # a specialist's or a shop's single dated row is a visit or a line, not a series
    assert extract_sessions(rows) == ((), {})
    assert extract_sessions(lines_of("Consultation du 05/03/2024 25,00 €")) == ((), {})


def test_a_printed_count_after_doubled_punctuation():
    lines = lines_of("05/03/2024 AMK 7,5 16,13", "07/03/2024 AMK 7,5 16,13", "Nombre de séances ::3")
    _, fields = extract_sessions(lines)
    assert fields["session_count"].value == "3" and fields["session_count"].rule == "session_count.printed"


def test_a_down_payments_day_on_a_german_bill_is_no_session():
    rows = ("02.01.2020 KG Krankengymnastik 41,50", "07.01.2020 MT Manuelle Therapie 30,00", "Gesamtbetrag 71,50")
    dates, fields = extract_sessions(lines_of(*rows, "abzgl. Anzahlung vom 12.12.2019 -40,00", "Zahlbetrag 31,50"))
    assert [d.value for d in dates] == ["2020-01-02", "2020-01-07"] and fields["first_session"].value == "2020-01-02"
