"""Posting or mission certificate: the European A1 form ("certificat concernant la législation de sécurité
sociale applicable", issued by the Urssaf or a CPAM), an employer's "attestation de détachement", or an
employer's "ordre / avis de mission" for a trip abroad.

`date` is the issue date; `beneficiary` the employee (the patient when of working age, else a relative with
the same last name: the posted parent or spouse); `issuer` the Urssaf / CPAM (A1) or the employer;
`stay` the posting or mission period with its country (official.period); `identifiers` the employer's
SIRET and, when printed, the employee's NIR. Traps: the posting period (dates near the issue date,
before or after it), the hiring date, the birth date, the SIRET and NIR, the form's numbered sections,
an expense advance on a mission order (an amount that is no total).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from samples.generator import fakes, formats
from samples.generator.documents import common, official
from samples.generator.layout import Doc, Row, Style, gap, random_style, text

URSSAF = [
    "Urssaf Île-de-France",
    "Urssaf Rhône-Alpes",
    "Urssaf Provence-Alpes-Côte d'Azur",
    "Urssaf Occitanie",
    "Urssaf Pays de la Loire",
    "Urssaf Grand Est",
    "Urssaf Nouvelle-Aquitaine",
    "Urssaf Bretagne",
]
JOBS = [
    "Ingénieur d'études",
    "Technicien de maintenance",
    "Chef de chantier",
    "Consultant senior",
    "Chargé d'affaires",
    "Soudeur qualifié",
    "Développeur informatique",
    "Responsable commercial export",
    "Conducteur de travaux",
]
PURPOSES = [
    "Mise en service d'une ligne de production",
    "Audit chez un client",
    "Chantier de construction",
    "Formation des équipes locales",
    "Salon professionnel",
    "Assistance technique",
    "Installation d'équipements industriels",
]
TITLES = {
    "a1": ["DOCUMENT PORTABLE A1", "Certificat A1", "A1 - Certificat concernant la législation applicable"],
    "employer": ["ATTESTATION DE DÉTACHEMENT", "Attestation de détachement", "ATTESTATION EMPLOYEUR - DÉTACHEMENT"],
    "mission": ["ORDRE DE MISSION", "AVIS DE MISSION", "Ordre de mission à l'étranger"],
}
ISSUE_LABELS = ["Délivré le", "Date :", "Fait à {city}, le", "{city}, le"]
SIGNERS = {
    "a1": ["Pour le Directeur et par délégation", "L'agent habilité"],
    "employer": ["La Direction", "Le DRH", "Le Gérant"],
    "mission": ["La Direction", "Le Directeur technique", "Le Gérant"],
}
REGULATIONS = (
    "Règlements (CE) n° 883/2004 et 987/2009 - Certificat concernant la législation de sécurité sociale applicable au titulaire"
)
NOTICES = {
    "a1": "Ce certificat atteste que la législation de sécurité sociale indiquée s'applique au titulaire pendant la "
    "période mentionnée. Il doit être présenté aux institutions de l'État d'activité sur demande. Toute "
    "modification de la situation (durée, employeur, lieu d'activité) doit être signalée à l'institution qui l'a "
    "délivré.",
    "employer": "Le salarié détaché conserve ses droits aux prestations du régime français. Les soins reçus dans l'État "
    "de détachement sont pris en charge sur présentation de ce document et de la carte européenne "
    "d'assurance maladie.",
    "mission": "La présente mission est effectuée pour le compte exclusif de l'entreprise. Les frais engagés sont "
    "remboursés sur présentation des justificatifs originaux.",
}


@dataclass(frozen=True)
class Posting:
    """What a posting certificate states: who, for whom, where, when, and how it is printed."""

    who: fakes.Person
    nir: str
    company: str
    address: fakes.Address
    siret: str
    place: tuple[str, str, str, str]  # (code, country name, "en ..." form, city)
    start: date
    end: date
    dates: str  # formats.fr_date style
    style: Style

    def day(self, day: date) -> str:
        return formats.fr_date(day, self.dates)


def period_for(rng: random.Random, form: str, day: date) -> tuple[date, date]:
    """A mission starts after the order; a posting up to a month before or after the certificate."""
    if form == "mission":
        start = common.later(rng, day, 2, 30)
        return start, common.later(rng, start, 3, 60)
    start = official.shift(day, rng.randint(-30, 40))
    return start, common.later(rng, start, 60, 700)


def destination(rng: random.Random, form: str) -> tuple[str, str, str, str]:
    """(code, name, 'en ...' form, city); a mission may go beyond Europe."""
    pool = official.EUROPE + (official.FAR if form == "mission" else [])
    code, name, where, cities = rng.choice(pool)
    return code, name, where, rng.choice(cities)


def employee(rng: random.Random, who: fakes.Person, day: date) -> fakes.Person:
    """The patient when of working age, else the posted parent or relative (same last name) named on the certificate."""
    if 18 <= official.age(who, day) <= 66:
        return who
    return official.relative(rng, who.last, date(day.year - rng.randint(25, 58), rng.randint(1, 12), rng.randint(1, 28)))


def posting(rng: random.Random, who: fakes.Person, form: str, day: date) -> Posting:
    address = fakes.fr_address(rng)
    company, siret, nir = official.company_name(rng, address), fakes.siret(rng), fakes.nir(rng, who)
    place, (start, end) = destination(rng, form), period_for(rng, form, day)
    return Posting(who, nir, company, address, siret, place, start, end, official.date_style(rng), random_style(rng))


def a1_body(rng: random.Random, p: Posting) -> list[Row]:
    """The A1 form's numbered sections: person, applicable legislation, status, employer, place of work."""
    numbered, home, who = rng.random() < 0.8, fakes.fr_address(rng), p.who
    person = [
        ("N° d'identification", official.shown_nir(rng, p.nir)),
        ("Nom", who.last.upper()),
        ("Prénom(s)", who.first),
        ("Date de naissance", p.day(who.born)),
        ("Nationalité", "Française"),
        ("Adresse", f"{home.street}, {home.city_line}"),
    ]
    law = [("État membre", "FRANCE"), ("Date de début", p.day(p.start)), ("Date de fin", p.day(p.end))]
    firm = [
        ("N° d'identification", p.siret),
        ("Raison sociale", p.company),
        ("Adresse", f"{p.address.street}, {p.address.city_line}"),
    ]
    status = [("Statut", "Travailleur salarié détaché (art. 12)")]
    rows = official.section(p.style, numbered, 1, "Personne concernée", person)
    rows += official.section(p.style, numbered, 2, "État membre dont la législation est applicable", law)
    rows += official.section(p.style, numbered, 3, "Statut confirmé de la personne", status)
    rows += official.section(p.style, numbered, 4, "Employeur", firm)
    where = [("Lieu", f"{p.place[3]} ({p.place[1]})")]
    return rows + official.section(p.style, numbered, 5, "Activité dans l'État d'accueil", where)


def institution_rows(rng: random.Random, p: Posting, issuer: str, day: date, record: dict) -> list[Row]:
    common.add_trap(record, "institution_code")
    items = [("Nom", issuer), ("Code de l'institution", f"FR {fakes.digits(rng, 5)}"), ("Date", p.day(day))]
    return official.section(p.style, rng.random() < 0.8, 6, "Institution remplissant le formulaire", items)


def employer_body(rng: random.Random, p: Posting, record: dict) -> list[Row]:
    """The employer's letter, in prose, gendered like the people it names."""
    boss, job, who = fakes.person(rng, 1955, 1990), rng.choice(JOBS).lower(), p.who
    e, signed = ("" if who.sex == 1 else "e"), ("" if boss.sex == 1 else "e")
    hired = p.start - timedelta(days=rng.randint(200, 5000))
    common.add_trap(record, "hiring_date")
    role = rng.choice(["directeur des ressources humaines", "gérant", "responsable RH"])
    words = (
        f"Je soussigné{signed} {boss.first} {boss.last.upper()}, {role} de la société {p.company} (SIRET {p.siret}), "
        f"atteste que {who.title} {who.first} {who.last.upper()}, né{e} le {p.day(who.born)}, n° de sécurité sociale "
        f"{official.shown_nir(rng, p.nir)}, employé{e} en qualité de {job} depuis le {p.day(hired)}, est détaché{e} "
        f"{p.place[2]} ({p.place[3]}) du {p.day(p.start)} au {p.day(p.end)} pour le compte de notre société. Pendant toute "
        f"la durée du détachement, l'intéressé{e} reste affilié{e} au régime général français de sécurité sociale."
    )
    closing = "Attestation établie pour servir et valoir ce que de droit."
    return [*official.paragraph(official.elide(words), p.style, 10), gap(), *official.paragraph(closing, p.style, 10)]


def mission_body(rng: random.Random, p: Posting, record: dict) -> list[Row]:
    items = [
        ("Missionnaire", f"{p.who.first} {p.who.last.upper()}"),
        ("Fonction", rng.choice(JOBS)),
        ("Matricule", fakes.digits(rng, 6)),
        ("Destination", f"{p.place[3]} ({p.place[1]})"),
        ("Objet de la mission", rng.choice(PURPOSES)),
        ("Date de départ", p.day(p.start)),
        ("Date de retour", p.day(p.end)),
        ("Transport", rng.choice(["Avion", "Train", "Véhicule de service", "Avion + location de véhicule"])),
        ("Hébergement", rng.choice(["Pris en charge par l'entreprise", "Hôtel réservé par l'agence", "Logement sur site"])),
    ]
    if rng.random() < 0.5:
        advance = Decimal(rng.choice(["300.00", "500.00", "800.00", "1200.00"]))
        items.append(("Avance sur frais", formats.fr_amount(advance, "euro_sign", " ")))
        common.add_trap(record, "expense_advance")
    return official.section(p.style, False, 1, rng.choice(["Détail de la mission", "Informations"]), items, 0.34, 10)


def header_rows(rng: random.Random, form: str, title: str, issuer: str, address: fakes.Address, p: Posting) -> list[Row]:
    rows = [official.name_row(issuer, rng, p.style), text(f"{address.street} - {address.city_line}", size=8.5)]
    if form == "a1":
        rows += official.paragraph(REGULATIONS, p.style, 7.5)
    else:
        siret = p.siret if rng.random() < 0.5 else fakes.group_digits(p.siret)
        rows.append(text(f"SIRET {siret} - Tél. {address.phone}", size=8))
    return [*rows, gap(), official.heading(title, rng, p.style)]


def body_rows(rng: random.Random, form: str, p: Posting, issuer: str, day: date, record: dict) -> list[Row]:
    if form == "a1":
        return a1_body(rng, p) + institution_rows(rng, p, issuer, day, record)
    return employer_body(rng, p, record) if form == "employer" else mission_body(rng, p, record)


def build(rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, form: str | None = None, **_) -> Doc:
    """A posting certificate; `form` forces a1, employer or mission (random when None)."""
    day = day or common.care_day(rng)
    who = employee(rng, patient or fakes.person(rng, 1955, 2002), day)
    form = form or rng.choice(["a1", "a1", "employer", "mission"])
    p, agency = posting(rng, who, form, day), fakes.fr_address(rng)
    issuer = rng.choice([*URSSAF, official.cpam(rng, agency)]) if form == "a1" else p.company
    reason = "mission" if form == "mission" else "détachement"
    record = common.truth(
        "posting_certificate",
        "posting_certificate",
        None,
        day,
        issuer=issuer,
        beneficiary=who.name,
        identifiers={"siret": p.siret},
        stay=official.period(p.start, p.end, reason, p.place[0]),
    )
    common.add_trap(record, "posting_period", "siret")
    if form != "mission":
        record.update(beneficiary_birth_date=who.born.isoformat())
        record["identifiers"]["nir"] = p.nir
        common.add_trap(record, "birth_date", "nir")
    where, title = (agency if form == "a1" else p.address), rng.choice(TITLES[form])
    header = header_rows(rng, form, title, issuer, where, p)
    issued = official.issue_row(rng, day, where.city, ISSUE_LABELS, p.dates, right=form != "a1")
    header += [issued] if form == "a1" else []
    body = body_rows(rng, form, p, issuer, day, record)
    if pages > 1 or rng.random() < 0.4:
        body += [gap(), *official.paragraph(NOTICES[form], p.style, 8)]
    body += official.information_rows(rng, p.style, pages)
    signature = official.signature_rows(rng, ["Signature et cachet", rng.choice(SIGNERS[form])])
    totals = [gap()] + ([] if form == "a1" else [issued]) + signature
    site = "urssaf.fr" if issuer.startswith("Urssaf") else "ameli.fr"
    footer = [official.fitted(f"{issuer} - {site}" if form == "a1" else f"{p.company} - SIRET {p.siret}", p.style, 7)]
    continuation = [official.fitted(f"{issuer} - {title} (suite)", p.style, 9, True), gap()]
    return Doc(
        "posting_certificate", record, p.style, header, body, totals, footer, continuation, money=None, page_numbers="{i}/{n}"
    )
