"""A hospital's bill abroad: an outpatient consultation or an inpatient stay, in the country's language and
currency (United Kingdom, Spain, Germany, Canada, Thailand, French Polynesia, Morocco).

Traps: the establishment is a hospital whatever the care - an outpatient consultation there is no
hospitalisation (the issue's own example); a stay's admission and discharge dates beside the invoice date;
a `$` settled by a Canadian city, the CFP franc (`F CFP`, `XPF`) and the dirham (`DH`) settled by the
country; amounts in each country's format; labels in English, Spanish, German and French.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from samples.generator import catalog, fakes, formats
from samples.generator.documents import common
from samples.generator.layout import Cell, Doc, Row, gap, pair, random_style, rule, text


@dataclass(frozen=True)
class Country:
    """How one country's hospitals print a bill."""

    code: str
    language: str
    currency: str
    hospitals: tuple[str, ...]
    streets: tuple[str, ...]
    city_lines: tuple[str, ...]
    titles: tuple[str, ...]
    date_labels: tuple[str, ...]
    patient_labels: tuple[str, ...]
    total_labels: tuple[str, ...]
    outpatient: tuple[tuple[str, int, int], ...]  # (label, lowest, highest price in the currency)
    inpatient: tuple[tuple[str, int, int], ...]  # "{n}": the number of nights
    admitted: tuple[str, str]  # the labels of the stay's first and last days


UK = Country(
    "GB",
    "en",
    "GBP",
    ("St Thomas' Hospital", "The London Clinic", "Royal Free Hospital", "Chelsea and Westminster Hospital"),
    ("Westminster Bridge Road", "20 Devonshire Place", "Pond Street", "369 Fulham Road"),
    ("London SE1 7EH, United Kingdom", "London W1G 6BW, United Kingdom", "London NW3 2QG, United Kingdom"),
    ("INVOICE", "Patient Invoice", "Statement of Account"),
    ("Invoice date:", "Date:"),
    ("Patient:", "Patient name:"),
    ("Total due", "Amount due", "Balance due", "Total"),
    (("Outpatient consultation", 150, 350), ("Consultation fee", 120, 300), ("Blood test", 40, 120), ("X-ray", 80, 200)),
    (
        ("Inpatient stay ({n} nights)", 900, 4000),
        ("Room and board", 300, 1500),
        ("Theatre fees", 800, 3000),
        ("Surgeon's fee", 600, 2500),
    ),
    ("Admission date:", "Discharge date:"),
)
SPAIN = Country(
    "ES",
    "es",
    "EUR",
    ("Hospital Quirónsalud Madrid", "Hospital Universitario La Paz", "Hospital Clínic de Barcelona", "Hospital Costa del Sol"),
    ("Calle Diego de Velázquez 1", "Paseo de la Castellana 261", "Calle de Villarroel 170", "Autovía A-7 km 187"),
    ("28223 Pozuelo de Alarcón, Madrid, España", "28046 Madrid, España", "08036 Barcelona, España", "29603 Marbella, España"),
    ("FACTURA", "Factura", "FACTURA N.º {n}"),
    ("Fecha:", "Fecha de factura:"),
    ("Paciente:", "Nombre del paciente:"),
    ("Total factura", "Total a pagar", "Importe total"),
    (("Consulta de urgencias", 120, 300), ("Consulta médica", 80, 200), ("Análisis de sangre", 30, 90), ("Radiografía", 50, 150)),
    (
        ("Estancia hospitalaria ({n} días)", 900, 4000),
        ("Ingreso hospitalario", 300, 1200),
        ("Quirófano", 800, 3000),
        ("Honorarios médicos", 500, 2000),
    ),
    ("Fecha de ingreso:", "Fecha de alta:"),
)
GERMANY = Country(
    "DE",
    "de",
    "EUR",
    (
        "Klinikum rechts der Isar",
        "Charité Universitätsmedizin Berlin",
        "Universitätsklinikum Heidelberg",
        "Asklepios Klinik Altona",
    ),
    ("Ismaninger Str. 22", "Charitéplatz 1", "Im Neuenheimer Feld 672", "Paul-Ehrlich-Str. 1"),
    ("81675 München, Deutschland", "10117 Berlin, Deutschland", "69120 Heidelberg, Deutschland", "22763 Hamburg, Deutschland"),
    ("RECHNUNG", "Rechnung", "Privatrechnung"),
    ("Rechnungsdatum:", "Datum:"),
    ("Patient:", "Patientin:", "Patient(in):"),
    ("Rechnungsbetrag", "Gesamtbetrag", "Zu zahlender Betrag"),
    (
        ("Ambulante Behandlung", 100, 300),
        ("Notfallkonsultation", 80, 250),
        ("Laboruntersuchung", 30, 100),
        ("Röntgenaufnahme", 50, 150),
    ),
    (
        ("Stationäre Behandlung ({n} Tage)", 1200, 5000),
        ("Fallpauschale DRG", 900, 4000),
        ("Unterkunft", 300, 1200),
        ("Operation", 800, 3000),
    ),
    ("Aufnahmedatum:", "Entlassungsdatum:"),
)
CANADA = Country(
    "CA",
    "en",
    "CAD",
    ("Toronto General Hospital", "Montreal General Hospital", "Vancouver General Hospital"),
    ("200 Elizabeth Street", "1650 Cedar Avenue", "899 West 12th Avenue"),
    ("Toronto, ON M5G 2C4", "Montreal, QC H3G 1A4", "Vancouver, BC V5Z 1M9"),
    ("INVOICE", "Statement", "Hospital Invoice"),
    ("Invoice date:", "Date:"),
    ("Patient:", "Patient name:"),
    ("Amount due", "Total due", "Balance due"),
    (
        ("Emergency room visit", 300, 900),
        ("Outpatient consultation", 200, 500),
        ("Laboratory tests", 60, 200),
        ("Ultrasound", 150, 400),
    ),
    (
        ("Inpatient stay ({n} days)", 2000, 8000),
        ("Ward accommodation", 800, 3000),
        ("Operating room", 1500, 5000),
        ("Physician fees", 600, 2500),
    ),
    ("Admitted:", "Discharged:"),
)
THAILAND = Country(
    "TH",
    "en",
    "THB",
    ("Bangkok Hospital", "Bumrungrad International Hospital", "Samitivej Sukhumvit Hospital"),
    ("2 Soi Soonvijai 7, New Petchburi Road", "33 Sukhumvit 3", "133 Sukhumvit 49"),
    ("Bangkok 10310, Thailand", "Bangkok 10110, Thailand"),
    ("RECEIPT", "INVOICE / RECEIPT", "Statement of Charges"),
    ("Date:", "Invoice date:"),
    ("Patient:", "Patient name:"),
    ("Total amount", "Net amount due", "Total"),
    (("OPD consultation", 800, 2500), ("Doctor fee", 600, 2000), ("Medicine", 300, 1500), ("Laboratory", 500, 2000)),
    (
        ("Inpatient room ({n} nights)", 6000, 25000),
        ("Nursing service", 2000, 8000),
        ("Operating theatre", 15000, 60000),
        ("Doctor fee", 5000, 20000),
    ),
    ("Admission date:", "Discharge date:"),
)
POLYNESIA = Country(
    "PF",
    "fr",
    "XPF",
    ("Centre Hospitalier de Polynésie française", "Clinique Paofai", "Clinique Cardella"),
    ("Avenue Georges Clemenceau", "Boulevard Pomare", "Rue Anne-Marie Javouhey"),
    ("98716 Pirae, Tahiti, Polynésie française", "98713 Papeete, Tahiti, Polynésie française"),
    ("FACTURE", "Facture", "Facture de soins"),
    ("Date :", "Date de facture :"),
    ("Patient :", "Nom du patient :"),
    ("Net à payer", "Total à payer", "Montant à régler"),
    (
        ("Consultation externe", 4000, 12000),
        ("Consultation aux urgences", 6000, 15000),
        ("Analyses de biologie", 3000, 9000),
        ("Radiographie", 5000, 12000),
    ),
    (
        ("Hospitalisation ({n} jours)", 80000, 300000),
        ("Forfait journalier", 5000, 20000),
        ("Bloc opératoire", 60000, 200000),
        ("Honoraires chirurgicaux", 40000, 150000),
    ),
    ("Date d'entrée :", "Date de sortie :"),
)
MOROCCO = Country(
    "MA",
    "fr",
    "MAD",
    ("Clinique Al Madina", "Hôpital Cheikh Khalifa", "Clinique Internationale de Marrakech"),
    ("Boulevard Zerktouni", "Boulevard Mohammed Taieb Naciri", "Route de l'Ourika"),
    ("20000 Casablanca, Maroc", "20220 Casablanca, Maroc", "40000 Marrakech, Maroc"),
    ("FACTURE", "Facture", "Note d'honoraires"),
    ("Date :", "Date de facture :"),
    ("Patient :", "Nom du patient :"),
    ("Net à payer", "Total TTC", "Montant total"),
    (
        ("Consultation externe", 300, 800),
        ("Consultation aux urgences", 400, 1200),
        ("Bilan sanguin", 200, 700),
        ("Échographie", 400, 1000),
    ),
    (
        ("Hospitalisation ({n} jours)", 3000, 15000),
        ("Frais de séjour", 1500, 6000),
        ("Bloc opératoire", 4000, 15000),
        ("Honoraires du chirurgien", 3000, 12000),
    ),
    ("Date d'entrée :", "Date de sortie :"),
)
COUNTRIES = (UK, SPAIN, GERMANY, CANADA, THAILAND, POLYNESIA, MOROCCO)


def money(value: Decimal, country: Country, style: int) -> str:
    """An amount as the country prints it (style picks among its usual forms)."""
    grouped = f"{value:,.2f}"
    european = grouped.replace(",", " ").replace(".", ",")
    return {
        "GBP": [f"£{grouped}", f"£{grouped}", f"GBP {grouped}"],
        "EUR": [f"{european.replace(' ', '.')} €", f"{european.replace(' ', '.')} EUR", f"EUR {european.replace(' ', '.')}"],
        "CAD": [f"${grouped}", f"CAD {grouped}", f"${grouped} CAD"],
        "THB": [f"{grouped} THB", f"THB {grouped}", f"{grouped} Baht"],  # not "฿": the fonts drawn with lack it
        "XPF": [
            f"{int(value):,} F CFP".replace(",", " "),
            f"{int(value):,} XPF".replace(",", " "),
            f"{int(value):,} F CFP".replace(",", "."),
        ],
        "MAD": [f"{european} DH", f"{european} MAD", f"{european} DH"],
    }[country.currency][style]


def date_style(country: Country, rng: random.Random) -> str:
    """The one way a document prints its dates."""
    if country.language == "en":
        return "us_long" if country.code == "CA" else rng.choice(["day_month", "slash"])
    if country.language == "fr":
        return rng.choice(["slash", "long"])
    return "dot" if country.language == "de" else "slash"


def date_shown(day: date, country: Country, style: str) -> str:
    if style in ("us_long", "day_month"):
        return formats.en_date(day, style)
    if style == "long":
        return formats.fr_date(day, "long")
    return f"{day:%d.%m.%Y}" if style == "dot" else f"{day:%d/%m/%Y}"


def _items(rng: random.Random, country: Country, stay: bool, nights: int) -> list[tuple[str, Decimal]]:
    pool = country.inpatient if stay else country.outpatient
    chosen = [pool[0], *rng.sample(pool[1:], rng.randint(1, len(pool) - 1))]
    whole = country.currency == "XPF"
    items = []
    for label, low, high in chosen:
        amount = Decimal(rng.randint(low, high) // 100 * 100) if whole else catalog.price(rng, low, high)
        items.append((label.format(n=nights), amount))
    return items


def build(
    rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, issuer: str | None = None, **_
) -> Doc:
    country = rng.choice(COUNTRIES)
    stay = rng.random() < 0.4
    nights = rng.randint(1, 9)
    day = day or common.care_day(rng)
    admitted, discharged = day, day + timedelta(days=nights)
    billed = min(discharged + timedelta(days=rng.randint(0, 5)), common.LATEST) if stay else day
    who = patient or fakes.person(rng)
    place = rng.randrange(len(country.city_lines))
    name = issuer or country.hospitals[place % len(country.hospitals)]
    items = _items(rng, country, stay, nights)
    total = sum((a for _, a in items), Decimal("0"))
    style = rng.randrange(3)
    dates = date_style(country, rng)
    shown = lambda v: money(v, country, style)  # noqa: E731
    record = common.truth(
        "invoice_hospital_abroad",
        "invoice",
        "hospitalisation" if stay else "general_practitioner",
        billed,
        currency=country.currency,
        total=common.money_truth(total),
        gross_total=common.money_truth(total),
        language=country.language,
        country=country.code,
        issuer=name,
        beneficiary=who.name,
        beneficiary_birth_date=who.born.isoformat(),
        lines=[common.line_truth(label, amount) for label, amount in items],
        stay={"from": admitted.isoformat(), "to": discharged.isoformat(), "reason": None} if stay else None,
    )
    common.add_trap(record, "hospital_abroad_stay" if stay else "hospital_abroad_consultation")
    title = rng.choice(country.titles).format(n=f"{billed.year}/{fakes.digits(rng, 6)}")
    header = [
        text(name, size=rng.choice([14, 15, 16]), bold=True),
        text(country.streets[place % len(country.streets)], size=8.5),
        text(country.city_lines[place], size=8.5),
        gap(),
        common.heading(title, rng),
        text(f"{rng.choice(country.date_labels)} {date_shown(billed, country, dates)}"),
        text(f"{rng.choice(country.patient_labels)} {who.first} {who.last.upper() if rng.random() < 0.5 else who.last}"),
    ]
    if stay:
        header += [
            text(f"{country.admitted[0]} {date_shown(admitted, country, dates)}"),
            text(f"{country.admitted[1]} {date_shown(discharged, country, dates)}"),
        ]
    column = {"en": "Amount", "es": "Importe", "de": "Betrag", "fr": "Montant"}[country.language]
    header += [gap(), Row([Cell(""), Cell(column, 1.0, "r")], bold=True), rule()]
    body = [Row([Cell(label), Cell(shown(amount), 1.0, "r")], amount=amount) for label, amount in items]
    totals = [rule(), pair(rng.choice(country.total_labels), shown(total), bold=True, boxed=rng.random() < 0.3)]
    printed = country.language in ("en", "fr") and rng.random() < 0.3
    footer = common.print_footer(rng, billed, record, country.language) if printed else []
    continuation = [text(f"{name} - {title}", size=9, bold=True), gap()]
    return Doc(
        "invoice_hospital_abroad",
        record,
        random_style(rng, ("sans", "serif", "condensed")),
        header,
        body,
        totals,
        footer,
        continuation,
        ("Carried forward", "Brought forward"),
        shown,
    )
