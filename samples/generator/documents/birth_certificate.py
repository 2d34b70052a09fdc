"""Birth certificate from a town hall: an extract with or without parentage ("extrait d'acte de naissance
avec / sans filiation") or a full copy ("copie intégrale") written as prose, dates often in words
("le douze mars deux mille vingt").

`date` is the delivery date ("Délivré le"), `beneficiary` the child, `beneficiary_birth_date` the birth
date, `issuer` the town hall. Traps: the birth date (in figures, long form or words), the hour of birth
in words, the date the act was drawn up ("Dressé le", just after the birth), the parents' birth dates,
the act number and year, a marginal mention with its own date (marriage), the registrar's name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from samples.generator import fakes, formats
from samples.generator.documents import common, official
from samples.generator.layout import Cell, Doc, Row, Style, gap, random_style, text

UNITS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
]
TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
JOBS = [
    ("ingénieur", "ingénieure"),
    ("infirmier", "infirmière"),
    ("professeur des écoles", "professeure des écoles"),
    ("commerçant", "commerçante"),
    ("employé de banque", "employée de banque"),
    ("sans profession", "sans profession"),
    ("technicien", "technicienne"),
    ("médecin", "médecin"),
    ("agriculteur", "agricultrice"),
    ("comptable", "comptable"),
    ("artisan", "artisane"),
    ("étudiant", "étudiante"),
]
TITLES = {
    "extract": ["EXTRAIT D'ACTE DE NAISSANCE", "Extrait d'acte de naissance avec filiation", "EXTRAIT AVEC FILIATION"],
    "plain": ["EXTRAIT D'ACTE DE NAISSANCE", "Extrait d'acte de naissance sans filiation", "EXTRAIT SANS FILIATION"],
    "copy": [
        "COPIE INTÉGRALE D'ACTE DE NAISSANCE",
        "Copie intégrale de l'acte de naissance",
        "ACTE DE NAISSANCE - COPIE INTÉGRALE",
    ],
}
SERVICES = ["Service de l'état civil", "État civil", "Direction de la population - état civil"]
ROLES = ["adjoint au Maire", "conseiller municipal", "officier de l'état civil par délégation du Maire"]
DELIVERY = {
    "copy": ["Délivrée le", "Délivrée à {city}, le", "Fait à {city}, le", "{city}, le", "Copie délivrée le"],
    "extract": ["Délivré le", "Délivré à {city}, le", "Fait à {city}, le", "{city}, le", "Extrait délivré le"],
}
NOTICE = (
    "Extrait délivré conformément aux dispositions du décret n° 2017-890 du 6 mai 2017 relatif à l'état civil. La copie "
    "intégrale ne peut être délivrée qu'à la personne concernée, à ses ascendants, descendants, conjoint ou représentant "
    "légal. Toute falsification de cet acte est passible de poursuites pénales."
)


def words(n: int) -> str:
    """A number 0..9999 in French words (traditional spelling: 'vingt et un', 'quatre-vingts', 'deux mille vingt')."""
    if n < 17:
        return UNITS[n]
    if n < 20:
        return "dix-" + UNITS[n - 10]
    if n < 70:
        tens, unit = divmod(n, 10)
        return TENS[tens] + ("" if unit == 0 else " et un" if unit == 1 else f"-{UNITS[unit]}")
    if n < 80:
        return "soixante et onze" if n == 71 else "soixante-" + words(n - 60)
    if n < 100:
        return "quatre-vingts" if n == 80 else "quatre-vingt-" + words(n - 80)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "cent" if hundreds == 1 else f"{UNITS[hundreds]} cent" + ("s" if rest == 0 else "")
        return head if rest == 0 else f"{head} {words(rest)}"
    thousands, rest = divmod(n, 1000)
    head = "mille" if thousands == 1 else f"{words(thousands)} mille"
    return head if rest == 0 else f"{head} {words(rest)}"


def date_words(day: date, old_style: bool = False) -> str:
    """'douze mars deux mille vingt', 'premier juin mil neuf cent quatre-vingt-cinq'."""
    year = words(day.year)
    if old_style and day.year < 2000:
        year = year.replace("mille", "mil", 1)
    return f"{'premier' if day.day == 1 else words(day.day)} {formats.MONTHS_FR[day.month - 1]} {year}"


def hour_words(hour: int, minute: int) -> str:
    head = "une heure" if hour == 1 else "zéro heure" if hour == 0 else f"{words(hour)} heures"
    if minute == 0:
        return head
    tail = words(minute)
    return f"{head} {tail[:-2] + 'une' if tail.endswith(' et un') else tail}"


def shown_birth(rng: random.Random, born: date) -> str:
    """The birth date of an extract: long form mostly, sometimes in figures or in words."""
    return rng.choice(
        [formats.fr_date(born, "long"), formats.fr_date(born, "long"), formats.fr_date(born, "slash"), date_words(born)]
    )


def parents(rng: random.Random, child: fakes.Person) -> tuple[fakes.Person, fakes.Person]:
    """The father (the child's last name) and the mother (her own), 19 to 41 years older than the child."""
    father_born = child.born - timedelta(days=rng.randint(8000, 15000))
    mother_born = child.born - timedelta(days=rng.randint(7000, 14000))
    father = fakes.Person(rng.choice(fakes.FIRST_M), child.last, 1, father_born)
    mother = fakes.Person(rng.choice(fakes.FIRST_F), rng.choice(fakes.LAST), 2, mother_born)
    return father, mother


def given_names(rng: random.Random, child: fakes.Person) -> str:
    pool = fakes.FIRST_M if child.sex == 1 else fakes.FIRST_F
    extra = [name for name in rng.sample(pool, 3) if name != child.first][: rng.choice([0, 1, 1, 2])]
    return rng.choice([", ", " "]).join([child.first, *extra])


def town(rng: random.Random, address: fakes.Address) -> tuple[str, str]:
    """(town hall as printed, place of birth): Paris, Lyon and Marseille by arrondissement."""
    postcode = address.city_line.split()[0]
    if address.city in ("Paris", "Lyon", "Marseille"):
        number = int(postcode[-2:]) or 1
        ordinal = "1er" if number == 1 else f"{number}e"
        return f"Mairie du {ordinal} arrondissement de {address.city}", f"{address.city} {ordinal} arrondissement"
    hall = rng.choice([f"Mairie de {address.city}", f"Ville de {address.city}", f"Commune de {address.city}"])
    return official.elide(hall), address.city


@dataclass(frozen=True)
class Act:
    """What a birth act states, and how the document is printed."""

    child: fakes.Person
    names: str  # given names as printed
    place: str
    father: fakes.Person
    mother: fakes.Person
    dates: str  # formats.fr_date style
    style: Style

    def rows(self, label: str, value: str) -> list[Row]:
        return official.labelled_rows(label, value, self.style, 0.3)


def parent_rows(rng: random.Random, act: Act) -> list[Row]:
    rows = []
    for label, person in (("Père", act.father), ("Mère", act.mother)):
        birthplace = rng.choice(fakes.CITIES)[1]
        born = formats.fr_date(person.born, act.dates)
        e = "e" if person.sex == 2 else ""
        rows += act.rows(f"{label} :", f"{person.first} {person.last.upper()}, né{e} le {born} à {birthplace}")
    return rows


def marginal_rows(rng: random.Random, act: Act, delivered: date, record: dict) -> list[Row]:
    """'Mentions marginales : Néant', or a marriage with its date for an adult."""
    child = act.child
    earliest = child.born + timedelta(days=18 * 366)
    if earliest >= delivered - timedelta(days=30) or rng.random() < 0.5:
        return act.rows("Mentions marginales :", "Néant")
    married = earliest + timedelta(days=rng.randrange((delivered - earliest).days - 20))
    spouse = fakes.person(rng, child.born.year - 5, child.born.year + 5)
    common.add_trap(record, "marginal_mention_date")
    return act.rows(
        "Mentions marginales :",
        f"Marié{'e' if child.sex == 2 else ''} à {rng.choice(fakes.CITIES)[1]} le "
        f"{formats.fr_date(married, 'slash')} avec {spouse.first} {spouse.last.upper()}",
    )


def extract_rows(rng: random.Random, act: Act, filiation: bool, record: dict) -> list[Row]:
    child, born = act.child, shown_birth(rng, act.child.born)
    rows = act.rows("Nom :", child.last.upper()) + act.rows("Prénom(s) :", act.names)
    rows += act.rows("Sexe :", rng.choice(["M" if child.sex == 1 else "F", "masculin" if child.sex == 1 else "féminin"]))
    rows += act.rows("Date de naissance :", born if rng.random() < 0.6 else f"le {born}")
    if rng.random() < 0.5:
        rows += act.rows("Heure :", f"{rng.randint(0, 23):02d}h{rng.randint(0, 59):02d}")
        common.add_trap(record, "birth_time")
    rows += act.rows("Lieu de naissance :", act.place)
    if filiation:
        rows += parent_rows(rng, act)
        common.add_trap(record, "parents_birth_dates")
    return rows


def copy_rows(rng: random.Random, act: Act, drawn: date, record: dict) -> list[Row]:
    """The full copy: the act as written, dates and hours in words."""
    child, father, mother = act.child, act.father, act.mother
    hour = hour_words(rng.randint(0, 23), rng.choice([0, 5, 10, 15, 20, 21, 30, 45, 51]))
    born = date_words(child.born, rng.random() < 0.5) if rng.random() < 0.7 else formats.fr_date(child.born, "long")
    home, jobs = fakes.fr_address(rng), [rng.choice(JOBS)[0], rng.choice(JOBS)[1]]
    cities = [rng.choice(fakes.CITIES)[1] for _ in range(2)]
    e, sex, kin = ("", "masculin", "fils") if child.sex == 1 else ("e", "féminin", "fille")
    father_born, mother_born = formats.fr_date(father.born, "long"), formats.fr_date(mother.born, "long")
    words_ = (
        f"Le {born}, à {hour}, est né{e} à {act.place} : {act.names} {child.last.upper()}, de sexe {sex}, {kin} de "
        f"{father.first} {father.last.upper()}, né le {father_born} à {cities[0]}, {jobs[0]}, et de {mother.first} "
        f"{mother.last.upper()}, née le {mother_born} à {cities[1]}, {jobs[1]}, domiciliés {home.street}, "
        f"{home.city_line}."
    )
    officer, declared = fakes.person(rng, 1950, 1990), hour_words(rng.randint(9, 17), rng.choice([0, 15, 30, 45]))
    drawn_up = (
        f"Dressé le {formats.fr_date(drawn, 'long')}, à {declared}, sur la déclaration du père, qui, lecture faite et "
        f"invité à lire l'acte, a signé avec Nous, {officer.first} {officer.last.upper()}, {rng.choice(ROLES)}, officier "
        "de l'état civil."
    )
    common.add_trap(record, "birth_time", "declaration_date", "parents_birth_dates")
    return [*official.paragraph(official.elide(words_), act.style, 10), gap(), *official.paragraph(drawn_up, act.style, 10)]


def newborn(rng: random.Random, delivered: date) -> fakes.Person:
    sex = rng.choice([1, 2])
    first = rng.choice(fakes.FIRST_M if sex == 1 else fakes.FIRST_F)
    return fakes.Person(first, rng.choice(fakes.LAST), sex, delivered - timedelta(days=rng.randint(2, 120)))


def header_rows(rng: random.Random, hall: str, title: str, number: str, style: Style) -> list[Row]:
    rows = [text(Cell("RÉPUBLIQUE FRANÇAISE", 0.5, "c"), size=9, bold=True), gap(), official.name_row(hall, rng, style)]
    rows += [text(rng.choice(SERVICES), size=9), gap()]
    rows += [official.heading(title, rng, style)]
    return [*rows, text(f"{rng.choice(['Acte de naissance n°', 'Acte n°', 'N° de l’acte :'])} {number}", size=9), gap()]


def build(rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, form: str | None = None, **_) -> Doc:
    """A birth certificate of `patient` (a newborn when None); `form` forces extract, plain or copy (random when None)."""
    delivered = day or common.care_day(rng)
    child = patient or newborn(rng, delivered)
    if delivered <= child.born:
        delivered = common.later(rng, child.born, 3, 60)
    variant = form or rng.choice(["extract", "extract", "plain", "copy"])
    address, dates = fakes.fr_address(rng), official.date_style(rng)
    style = random_style(rng, ("serif", "serif", "sans", "condensed"))
    hall, place = town(rng, address)
    act = Act(child, given_names(rng, child), place, *parents(rng, child), dates, style)
    drawn = min(child.born + timedelta(days=rng.randint(0, 4)), delivered)
    record = common.truth(
        "birth_certificate",
        "birth_certificate",
        None,
        delivered,
        issuer=hall,
        beneficiary=child.name,
        beneficiary_birth_date=child.born.isoformat(),
    )
    common.add_trap(record, "birth_date", "act_number")
    serial = rng.randint(1, 2999)
    number = rng.choice([f"{serial}", f"{child.born.year}/{serial:05d}", f"{serial:04d}"])
    title = rng.choice(TITLES[variant])
    header = header_rows(rng, hall, title, number, style)
    body = copy_rows(rng, act, drawn, record) if variant == "copy" else extract_rows(rng, act, variant == "extract", record)
    body += [gap(), *marginal_rows(rng, act, delivered, record)]
    if pages > 1 or rng.random() < 0.3:
        body += [gap(), *official.paragraph(NOTICE, style, 8)]
    body += official.information_rows(rng, style, pages)
    labels = DELIVERY["copy" if variant == "copy" else "extract"]
    shown = rng.choice(["slash", "long", dates])
    totals = [gap(), official.issue_row(rng, delivered, address.city, labels, shown, rng.random() < 0.4)]
    certified = "Pour copie conforme," if variant == "copy" else rng.choice(["Pour extrait conforme,", "Certifié conforme,"])
    totals += official.signature_rows(rng, [certified, "L'Officier de l'état civil"])
    footer = [official.fitted(f"{hall} - {address.street} - {address.city_line}", style, 7)]
    continuation = [official.fitted(f"{hall} - {title} (suite)", style, 9, True), gap()]
    return Doc("birth_certificate", record, style, header, body, totals, footer, continuation, money=None, page_numbers="{i}/{n}")
