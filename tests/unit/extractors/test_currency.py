"""Currency from markers, hints for ambiguous symbols, default for French and German documents."""

import pytest

from extractors.fields.amounts import extract_total
from extractors.fields.currency import extract_currency
from extractors.fields.locale_hints import locale_hint
from tests.conftest import lines_of


def currency_of(*texts: str):
    lines = lines_of(*texts)
    return extract_currency(lines, locale_hint(lines), extract_total(lines))


def test_codes_and_symbols():
    assert currency_of("Total 45,30 €").value == "EUR"
    assert currency_of("TOTAL RM 9.00").value == "MYR"
    assert currency_of("Total JPY 2,220").value == "JPY"
    assert currency_of("Amount due USD 12.00").value == "USD"


def test_dollar_is_ambiguous_without_hint():
    field = currency_of("Total $12.00")
    assert field.value == "USD" and field.confidence < 0.6


def test_dollar_in_malaysia_is_ringgit():
    field = currency_of("ABC TRADING, 47000 SELANGOR, MALAYSIA", "Total $12.00")
    assert field.value == "MYR" and field.rule.startswith("currency.ambiguous_symbol+hint")


def test_a_country_named_in_a_street_is_no_hint():
    # a Paris pharmacy on the rue du Canada prints its euros: no Canadian dollar, not even at 0.6
    field = currency_of("PHARMACIE DU CENTRE", "12 rue du Canada 75018 Paris", "TOTAL 2,18 €")
    assert field.value == "EUR" and field.rule == "currency.marker"
    assert currency_of("Clinique de l'Europe", "3 avenue de New Zealand", "Total $12.00").rule == "currency.ambiguous_symbol"
    assert currency_of("Tokyo Street Dental", "Total $12.00").rule == "currency.ambiguous_symbol"
    # the country named as such still settles the symbol
    assert currency_of("Maple Dental, Toronto, Canada", "Total $120.00").value == "CAD"


def test_dirhams_and_cfa_francs_are_settled_by_the_country_printed_with_them():
    field = currency_of("RELAIS OULMES", "AUTOROUTE RABAT MEKNES, MAROC", "Total Facture : 56.00 DH")
    assert (field.value, field.rule) == ("MAD", "currency.ambiguous_symbol+hint:maroc") and field.confidence >= 0.75
    assert currency_of("Clinique", "Dakar, Sénégal", "Montant : 25 000 FCFA").value == "XOF"
    assert currency_of("Dubai Mall", "United Arab Emirates", "TOTAL Dhs 120.00").value == "AED"
    unsettled = currency_of("Clinique du Parc", "Total : 560,00 DH")  # a dirham, but whose?
    assert unsettled.value == "MAD" and unsettled.confidence < 0.5


def test_a_birthplace_abroad_does_not_turn_euros_into_its_currency():
    # countries that settle a dirham or a CFA franc do nothing else: "née au Maroc" is a French patient's birthplace
    for text in ("Patiente née au Maroc", "Adresse : Dakar, Sénégal"):
        assert currency_of("PHARMACIE DU CENTRE", text, "TOTAL 12,00 €").value == "EUR"
        assert currency_of("Cabinet médical", text, "Consultation 25,00", "Facture").value == "EUR"


def test_dollar_beside_a_company_suffix_is_only_a_guess():
    field = currency_of("ABC TRADING SDN BHD", "Total $12.00")
    assert field.value == "MYR" and field.rule.startswith("currency.ambiguous_symbol+weak_hint") and field.confidence < 0.8


def test_dollar_with_us_address_is_confident():
    field = currency_of("CVS Pharmacy, Boston, MA 02115", "Total $12.00")
    assert field.value == "USD" and field.confidence >= 0.7


def test_french_document_without_marker_is_euro_with_modest_confidence():
    field = currency_of("Facture", "Total 45,30")
    assert field.value == "EUR" and field.confidence <= 0.5 and field.bbox is None


@pytest.mark.parametrize(
    "rows, rule",
    [
        (("DEVIS", "Couronne céramique 540,00", "Total des honoraires 540,00"), "currency.default_french"),
        (("CARREFOUR MARKET", "BIAFINE 5,95", "TOTAL TTC 5,95", "Merci de votre visite"), "currency.default_french"),
        (("Apotheke am Markt", "Ibuprofen 5,49", "Summe 5,49"), "currency.default_german"),
        (("Farmacia Centrale", "DOCUMENTO COMMERCIALE", "TOTALE COMPLESSIVO 89,00"), "currency.default_italian"),
        (("Apotheek De Linde", "Paracetamol 2,95", "Totaal 2,95", "BTW 9% 0,24"), "currency.default_dutch"),
    ],
)
def test_a_document_in_a_euro_language_without_marker_is_euro_with_modest_confidence(rows, rule):
    field = currency_of(*rows)
    assert (field.value, field.rule, field.confidence) == ("EUR", rule, 0.5)


def test_nothing():
    assert currency_of("Hello world") is None


def test_country_hint_gives_the_currency_when_none_is_printed():
    field = currency_of("ABC TRADING SDN BHD", "Total 12.00")
    assert field.value == "MYR" and field.rule == "currency.weak_hint:sdn bhd" and field.confidence <= 0.4
    field = currency_of("ABC TRADING, KUALA LUMPUR", "Total 12.00")
    assert field.value == "MYR" and field.rule == "currency.country_hint:kuala lumpur" and field.confidence <= 0.6


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        (("Boots", "Oxford Street", "London W1C 1DE", "TOTAL 6.79", "CONTACTLESS 6.79"), "GBP"),
        (("Apotheke am Bahnhof", "8001 Zürich, Schweiz", "Total 23.40"), "CHF"),
    ],
)
def test_a_till_receipt_that_leaves_out_its_sign_is_in_its_countrys_currency(rows, code):
    field = currency_of(*rows)
    assert field.value == code and field.rule.startswith("currency.country_hint:") and field.confidence <= 0.6


def test_stray_symbol_against_the_country_is_ignored():
    field = currency_of("ABC TRADING, KUALA LUMPUR", "Total 12.00", "£")
    assert field.value == "MYR"


def test_a_symbol_beside_an_amount_is_the_currency_whatever_country_the_page_names():
    # a French patient born in Canada, a pharmacy in Paris: its euros stay euros
    field = currency_of("PHARMACIE DU CENTRE", "Patient né au Canada", "TOTAL 12,00 €")
    assert (field.value, field.rule) == ("EUR", "currency.marker")


def test_currencies_of_care_abroad():
    # the CFP franc of French Polynesia and New Caledonia, by its code or its "F CFP"
    assert currency_of("Pharmacie de Papeete", "Total 4 500 XPF").value == "XPF"
    assert currency_of("Cabinet médical de Nouméa", "Consultation 6 800 F CFP").value == "XPF"
    # a word for the currency
    assert currency_of("Bangkok Hospital", "Total 1,700.00 Baht").value == "THB"
    # a dollar settled by a Canadian or an Australian city
    assert currency_of("Shoppers Drug Mart", "Toronto, ON M5V 2T6", "Total $85.00").value == "CAD"
    assert currency_of("Chemist Warehouse", "Sydney NSW 2000", "Total $62.00").value == "AUD"


def test_a_dinar_or_forint_marker_counts_only_after_a_figure():
    assert currency_of("Pharmacie El Menzah, Tunis", "Total 45,500 DT").value == "TND"
    assert currency_of("Gyógyszertár", "Összesen 12 000 Ft").value == "HUF"
    assert currency_of("Pharmacie du Centre", "DT 2024 dossier", "Total 12,00 €").value == "EUR"


def test_words_that_only_look_like_codes_make_no_currency():
    # "SDN BHD" is a Malaysian company's suffix, "ARS" a French regional health agency
    assert currency_of("ABC TRADING SDN BHD", "TOTAL 12.00").value != "BHD"
    assert currency_of("ARS Île-de-France", "Pharmacie", "Total 12,00").value == "EUR"


def test_three_decimal_currencies_read_their_millimes():
    assert extract_total(lines_of("Pharmacie El Menzah", "Total 45,500 DT")).value == "45.500"
    assert extract_total(lines_of("Total 1.250 KWD")).value == "1.250"
    # a thousands group without such a currency is still a thousands group
    assert extract_total(lines_of("Total USD 45,500")).value == "45500.00"


def test_a_language_of_several_currencies_makes_no_default():
    assert currency_of("Farmacia San Pablo", "Factura", "Total 89,00") is None  # Spain or Mexico?


def test_a_dollar_between_two_letters_is_a_misread_letter_not_a_currency():
    # OCR reads the German ß as "$": "Hauptstra$e", "Grü$en"
    field = currency_of("Hauptstra$e 5 · 20095 Hamburg", "Rechnungsbetrag 191,50", "Mit freundlichen Grü$en")
    assert field is None or field.value != "USD"
    assert currency_of("Total $12.00", "Hauptstra$e 5").value == "USD"  # a dollar before a figure still counts


def test_an_italian_provinces_code_is_no_ringgit_and_spain_and_portugal_default_to_euros():
    # "Roma (RM)": Rome's province, not Malaysia's "RM"; a Malaysian amount in ringgit still is
    assert currency_of("Farmacia Rossi", "00185 Roma (RM)", "TOTALE 12,30") is None or (
        currency_of("Farmacia Rossi", "00185 Roma (RM)", "TOTALE 12,30").value != "MYR"
    )
    assert currency_of("KEDAI ABC", "TOTAL (RM) 12.30").value == "MYR"
    # a Spanish or Portuguese till's own fiscal words: euros, as a guess
    field = currency_of("Farmacia García", "NIF: B61157692", "TICKET", "TOTAL 9,78")
    assert (field.value, field.confidence, field.rule) == ("EUR", 0.5, "currency.default_iberian")
    assert currency_of("Farmácia Silva", "Fatura simplificada", "TOTAL 8,23", "ATCUD: DXGEGA92-161").value == "EUR"
