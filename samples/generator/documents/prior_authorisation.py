"""Prior authorisation of planned care: the European S2 form ("droit à des soins programmés"), a
dialysis authorisation for a temporary stay abroad, the DA1 form (work accident / occupational
disease benefits) or the CPAM's answer to a "demande d'accord préalable" in France.

`date` is the issue date; `care_type` is hospitalisation for S2 and dialysis, the planned care's type
for a French prior agreement (physiotherapy, spa cure, transport, dental, medical equipment) and null
for DA1; `stay` holds the authorised period, the treatment and the country of treatment
(official.period); `identifiers` the NIR. Traps: the period of validity (after the issue date), the
date of the work accident, the date the request was received, the birth date and NIR, a ceiling per
session that is not a total, the institution code, numbered form sections full of numbers (2.1, 3.4...).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from samples.generator import fakes, formats
from samples.generator.documents import common, official
from samples.generator.layout import Doc, Row, Style, gap, random_style, text

TITLES = {
    "s2": ["DOCUMENT PORTABLE S2", "S2 - Droit à des soins programmés", "Attestation de droit à des soins programmés (S2)"],
    "dialysis": [
        "AUTORISATION DE SOINS PROGRAMMÉS - DIALYSE",
        "Accord de prise en charge : dialyse en séjour temporaire",
        "Dialyse hors de France - accord préalable",
    ],
    "da1": ["DOCUMENT PORTABLE DA1", "DA1 - Droit aux prestations AT/MP", "Attestation DA1"],
    "agreement": [
        "ACCORD PRÉALABLE",
        "Notification de décision - demande d'accord préalable",
        "Réponse à votre demande d'accord préalable",
    ],
}
SUBTITLES = {
    "s2": "Attestation de droit à des soins programmés",
    "dialysis": "Séances d'hémodialyse lors d'un séjour temporaire",
    "da1": "Droit aux prestations de l'assurance accident du travail et maladie professionnelle",
    "agreement": "Prestations soumises à accord préalable (article L. 315-2 du Code de la sécurité sociale)",
}
TREATMENTS = [
    "Pose de prothèse totale de hanche",
    "Radiothérapie (séances programmées)",
    "Chirurgie de la cataracte",
    "Protonthérapie",
    "Greffe de cornée",
    "Chirurgie bariatrique",
    "Arthroscopie du genou",
    "Chimiothérapie (cures programmées)",
]
HOSPITALS = {
    "ES": "Hospital Universitario de {city}",
    "BE": "Clinique universitaire de {city}",
    "DE": "Universitätsklinikum {city}",
    "PT": "Hospital de {city}",
    "IT": "Ospedale Civile di {city}",
    "CH": "Hôpital cantonal de {city}",
    "LU": "Centre hospitalier de {city}",
    "NL": "Ziekenhuis {city}",
    "AT": "Landeskrankenhaus {city}",
    "PL": "Szpital Miejski w {city}",
}
DIALYSIS = {
    "ES": "Centro de Diálisis {city}",
    "DE": "Dialysezentrum {city}",
    "IT": "Centro Dialisi {city}",
    "PT": "Clínica de Hemodiálise de {city}",
}
AGREEMENTS = [
    ("physiotherapy", "Séances de masso-kinésithérapie au-delà du référentiel (30 séances)"),
    ("spa_cure", "Cure thermale - orientation rhumatologie (18 jours)"),
    ("transport", "Transport en véhicule sanitaire de plus de 150 km"),
    ("dental", "Traitement d'orthopédie dento-faciale (semestre de traitement)"),
    ("medical_equipment", "Fauteuil roulant électrique (achat)"),
]
ACCIDENT_LABELS = ["Date de l'accident du travail", "Date de l'accident", "Constatation de la MP"]
ISSUE_LABELS = ["Délivré le", "Date d'émission :", "{city}, le", "Fait le"]
SERVICES = ["ameli.fr", "Service des relations internationales", "CNSE - Centre national des soins à l'étranger"]
NOTICES = {
    "s2": "Présentez ce document à l'institution d'assurance maladie du lieu de traitement avant le début des soins. Les "
    "soins sont pris en charge selon la législation de l'État de traitement, comme pour ses propres assurés. "
    "Conservez une copie.",
    "dialysis": "Les séances sont prises en charge dans la limite indiquée. Les frais de transport et d'hébergement "
    "restent à votre charge. Joignez les factures acquittées et le présent accord à votre demande de "
    "remboursement.",
    "da1": "Ce document vous permet de recevoir les soins liés à votre accident du travail ou à votre maladie "
    "professionnelle dans votre État de résidence. Présentez-le à l'institution d'assurance maladie de ce pays.",
    "agreement": "Sans réponse de l'Assurance Maladie dans un délai de 15 jours, l'accord est réputé acquis. La prise en "
    "charge ne vaut que pour la prestation et la période indiquées. Cet accord doit être joint à la facture.",
}


@dataclass(frozen=True)
class Care:
    """The authorised care: which form, what, where, when, and the printed date style."""

    form: str
    start: date
    end: date
    what: str
    care_type: str | None
    country: str  # ISO code
    dates: str  # formats.fr_date style

    def day(self, day: date) -> str:
        return formats.fr_date(day, self.dates)


def planned(rng: random.Random, form: str, day: date, dates: str) -> Care:
    """The authorised care and its period (after the issue date, except for DA1 which may start a little before)."""
    if form == "agreement":
        care, what = rng.choice(AGREEMENTS)
        start = official.shift(day, rng.randint(0, 20))
        return Care(form, start, common.later(rng, start, 30, 180), what, care, "FR", dates)
    code = rng.choice(list(DIALYSIS) if form == "dialysis" else [c for c, *_ in official.EUROPE])
    if form == "dialysis":
        start = common.later(rng, day, 10, 90)
        end, what = common.later(rng, start, 6, 27), "Hémodialyse (3 séances par semaine)"
        return Care(form, start, end, what, "hospitalisation", code, dates)
    if form == "da1":
        start = official.shift(day, -rng.randint(0, 30))
        end, what = common.later(rng, start, 180, 365), "Soins consécutifs à l'accident du travail"
        return Care(form, start, end, what, None, code, dates)
    start = common.later(rng, day, 5, 60)
    return Care(form, start, common.later(rng, start, 3, 120), rng.choice(TREATMENTS), "hospitalisation", code, dates)


def country(code: str) -> tuple[str, list[str]]:
    """The French name and some cities of a European country."""
    for entry in official.EUROPE:
        if entry[0] == code:
            return entry[1], entry[3]
    return "France", ["Lyon"]


def holder_items(rng: random.Random, who: fakes.Person, nir: str, address: fakes.Address, care: Care) -> list[tuple[str, str]]:
    label = rng.choice(["N° d'identification", "N° de sécurité sociale", "NIR"])
    return [
        (label, official.shown_nir(rng, nir)),
        ("Nom", who.last.upper()),
        ("Prénom(s)", who.first),
        ("Date de naissance", care.day(who.born)),
        ("Adresse", f"{address.street}, {address.city_line}"),
    ]


def place_items(rng: random.Random, care: Care, record: dict) -> list[tuple[str, str]]:
    """What comes between the treatment and the period: the request date, the accident date, or where the care is given."""
    name, cities = country(care.country)
    if care.form == "agreement":
        received = care.start - timedelta(days=rng.randint(25, 45))  # before the issue date
        common.add_trap(record, "request_date")
        return [("Décision", rng.choice(["ACCORD", "Accord", "Accordé"])), ("Demande reçue le", care.day(received))]
    if care.form == "da1":
        accident = care.start - timedelta(days=rng.randint(10, 400))
        common.add_trap(record, "accident_date")
        return [(rng.choice(ACCIDENT_LABELS), care.day(accident)), ("État de résidence", name)]
    place = (DIALYSIS if care.form == "dialysis" else HOSPITALS).get(care.country, "Hôpital de {city}")
    return [("État de traitement", name), ("Établissement", place.format(city=rng.choice(cities)))]


def care_items(rng: random.Random, care: Care, record: dict) -> list[tuple[str, str]]:
    items = [("Traitement" if care.form != "agreement" else "Prestation", care.what), *place_items(rng, care, record)]
    items.append(("Période autorisée", f"du {care.day(care.start)} au {care.day(care.end)}"))
    common.add_trap(record, "validity_period")
    if care.form == "dialysis":
        ceiling = formats.fr_amount(Decimal(rng.choice(["329.00", "350.00", "380.50"])), "euro_sign", "")
        items += [("Nombre de séances", str(3 * max(1, (care.end - care.start).days // 7))), ("Plafond par séance", ceiling)]
        common.add_trap(record, "ceiling_amount")
    return items


def institution_items(
    rng: random.Random, name: str, address: fakes.Address, day: date, care: Care, record: dict
) -> list[tuple[str, str]]:
    common.add_trap(record, "institution_code")
    return [
        ("Nom", name),
        ("Code de l'institution", official.institution_code(rng, address)),
        ("Adresse", f"{address.street}, {address.city_line}"),
        ("Date", care.day(day)),
        ("Signature", ""),
    ]


def header_rows(rng: random.Random, form: str, title: str, name: str, address: fakes.Address, style: Style) -> list[Row]:
    rows = [official.name_row(name, rng, style, (13, 14, 15)), text(f"{address.street} - {address.city_line}", size=8.5)]
    if form in ("s2", "da1"):
        rows.append(text("Règlements (CE) n° 883/2004 et 987/2009 - Coordination des systèmes de sécurité sociale", size=8))
    return [*rows, gap(), official.heading(title, rng, style), text(SUBTITLES[form], size=9)]


def build(rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, form: str | None = None, **_) -> Doc:
    """A prior authorisation; `form` forces s2, dialysis, da1 or agreement (random when None; no DA1 for a minor)."""
    day = day or common.care_day(rng)
    who = patient or fakes.person(rng)
    form = form or rng.choice(["s2", "s2", "dialysis", "agreement"] + (["da1"] if official.age(who, day) >= 18 else []))
    address, home, nir, style = fakes.fr_address(rng), fakes.fr_address(rng), fakes.nir(rng, who), random_style(rng)
    name, care = official.cpam(rng, address), planned(rng, form, day, official.date_style(rng))
    record = common.truth(
        "prior_authorisation",
        "prior_authorisation",
        care.care_type,
        day,
        issuer=name,
        beneficiary=who.name,
        beneficiary_birth_date=who.born.isoformat(),
        identifiers={"nir": nir},
        stay=official.period(care.start, care.end, care.what, care.country),
    )
    common.add_trap(record, "birth_date", "nir")
    numbered, title = form in ("s2", "da1") or rng.random() < 0.3, rng.choice(TITLES[form])
    header = header_rows(rng, form, title, name, address, style)
    header.append(official.issue_row(rng, day, address.city, ISSUE_LABELS, care.dates))
    holder = holder_items(rng, who, nir, home, care)
    header += official.section(style, numbered, 1, rng.choice(["Titulaire", "Assuré(e)", "Personne concernée"]), holder)
    heading = rng.choice(["Droit aux soins", "Soins autorisés", "Objet de l'autorisation"])
    body = official.section(style, numbered, 2, heading, care_items(rng, care, record))
    institution = institution_items(rng, name, address, day, care, record)
    body += official.section(style, numbered, 3, "Institution compétente", institution)
    if pages > 1 or rng.random() < 0.5:
        body += [gap(), *official.paragraph(NOTICES[form], style, 8)]
    body += official.information_rows(rng, style, pages)
    signer = rng.choice(["Le médecin conseil", "Pour le Directeur", "L'agent"])
    totals = [gap(), *official.signature_rows(rng, ["Cachet de l'institution", signer])]
    footer = [official.fitted(f"{name} - {rng.choice(SERVICES)}", style, 7)]
    continuation = [official.fitted(f"{name} - {title} (suite)", style, 9, True), gap()]
    return Doc(
        "prior_authorisation", record, style, header, body, totals, footer, continuation, money=None, page_numbers="{i}/{n}"
    )
