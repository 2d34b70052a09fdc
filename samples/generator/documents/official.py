"""Shared pieces of the administrative documents (quote, RIB, rights certificate, prior authorisation,
posting certificate, birth certificate): wrapped paragraphs, social-security bodies, countries of care or
posting, labelled rows, periods in the ground truth.

Periods printed on these documents (validity of a quote or of rights, authorised care, posting) are
recorded in the ground truth's `stay` key as {"from", "to", "reason", "kind": "period"} plus "country"
(ISO 3166 alpha-2) when the period is spent abroad; a hospital bulletin's `stay` has no "kind".
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth

from samples.generator import fakes, formats, render  # noqa: F401  (render registers the fonts measured here)
from samples.generator.documents import common
from samples.generator.layout import Cell, Row, Style, text

# department (first 2 digits of the postcode) -> how the local primary fund is named after "CPAM"
DEPARTMENTS = {
    "69": "du Rhône",
    "75": "de Paris",
    "13": "des Bouches-du-Rhône",
    "31": "de la Haute-Garonne",
    "44": "de Loire-Atlantique",
    "67": "du Bas-Rhin",
    "33": "de la Gironde",
    "59": "de Lille-Douai",
    "35": "d'Ille-et-Vilaine",
    "06": "des Alpes-Maritimes",
    "34": "de l'Hérault",
    "21": "de la Côte-d'Or",
    "37": "d'Indre-et-Loire",
    "63": "du Puy-de-Dôme",
    "29": "du Finistère",
    "87": "de la Haute-Vienne",
    "74": "de la Haute-Savoie",
    "57": "de la Moselle",
    "92": "des Hauts-de-Seine",
}
# (ISO code, French name, "en"/"au"/"aux" form, cities) - EU/EEA/Swiss countries where S2, DA1 and A1 apply
EUROPE = [
    ("ES", "Espagne", "en Espagne", ["Málaga", "Valencia", "Alicante", "Barcelona"]),
    ("BE", "Belgique", "en Belgique", ["Bruxelles", "Liège", "Namur"]),
    ("DE", "Allemagne", "en Allemagne", ["Freiburg", "Saarbrücken", "München", "Köln"]),
    ("PT", "Portugal", "au Portugal", ["Lisboa", "Porto", "Faro"]),
    ("IT", "Italie", "en Italie", ["Torino", "Milano", "Genova"]),
    ("CH", "Suisse", "en Suisse", ["Genève", "Lausanne", "Basel"]),
    ("LU", "Luxembourg", "au Luxembourg", ["Luxembourg", "Esch-sur-Alzette"]),
    ("NL", "Pays-Bas", "aux Pays-Bas", ["Rotterdam", "Utrecht"]),
    ("AT", "Autriche", "en Autriche", ["Wien", "Innsbruck"]),
    ("PL", "Pologne", "en Pologne", ["Warszawa", "Kraków"]),
]
FAR = [
    ("US", "États-Unis", "aux États-Unis", ["Houston", "Boston", "Atlanta"]),
    ("JP", "Japon", "au Japon", ["Tokyo", "Osaka"]),
    ("CA", "Canada", "au Canada", ["Montréal", "Québec"]),
    ("MA", "Maroc", "au Maroc", ["Casablanca", "Rabat"]),
    ("SG", "Singapour", "à Singapour", ["Singapour"]),
    ("AE", "Émirats arabes unis", "aux Émirats arabes unis", ["Dubaï", "Abou Dabi"]),
]


def clamp(day: date) -> date:
    """A printed date inside the corpus window (no date before 2019 or after common.LATEST)."""
    return min(max(day, common.FIRST_DAY), common.LATEST)


def shift(day: date, days: int) -> date:
    return clamp(day + timedelta(days=days))


def elide(words: str) -> str:
    """French elision: 'Mairie de Annecy' -> 'Mairie d'Annecy', 'en qualité de ingénieur' -> 'en qualité d'ingénieur'."""
    return re.sub(r"\b([Dd])e ([AEIOUÉÈÊÎÔaeiouéèêîô])", r"\1'\2", words)


def age(who: fakes.Person, day: date) -> int:
    """Age in whole years on `day`."""
    return day.year - who.born.year - ((day.month, day.day) < (who.born.month, who.born.day))


def relative(rng: random.Random, last: str, born: date) -> fakes.Person:
    """A family member of the patient (same last name) born on `born`."""
    sex = rng.choice([1, 2])
    return fakes.Person(rng.choice(fakes.FIRST_M if sex == 1 else fakes.FIRST_F), last, sex, born)


def measure(words: str, style: Style, size: float, bold: bool = False, family: str | None = None) -> float:
    return stringWidth(words, f"{family or style.family}{'-bold' if bold else ''}", size or style.size)


def room(style: Style, fraction: float = 1.0) -> float:
    """Points available across `fraction` of the content width of a portrait A4 page (landscape is wider)."""
    return (A4[0] - 2 * style.margin) * fraction


def fit_size(words: str, style: Style, size: float, bold: bool = True, fraction: float = 1.0) -> float:
    """`size`, lowered by half points until the text fits `fraction` of the width."""
    while size > 6 and measure(words, style, size, bold) > room(style, fraction):
        size -= 0.5
    return size


def wrap(words: str, style: Style, size: float, fraction: float = 1.0, bold: bool = False) -> list[str]:
    """Lines of at most `fraction` of the content width, measured in the document's font."""
    lines, line = [], ""
    for word in words.split():
        candidate = f"{line} {word}".strip()
        if line and measure(candidate, style, size, bold) > room(style, fraction) * 0.97:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + ([line] if line else [])


def paragraph(words: str, style: Style, size: float = 9, x: float = 0.0) -> list[Row]:
    """A paragraph wrapped into rows."""
    return [text(Cell(line, x), size=size) for line in wrap(words, style, size, 1 - x)]


def heading(title: str, rng: random.Random, style: Style) -> Row:
    """common.heading at a size that fits the width."""
    return common.heading(title, rng, fit_size(title, style, rng.choice([13, 14, 15, 16])))


def labelled(label: str, value: str, at: float = 0.36, size: float = 0.0, bold: bool = False) -> Row:
    """A label and its value in a second column."""
    return text(Cell(label), Cell(value, at), size=size, bold=bold)


def labelled_rows(label: str, value: str, style: Style, at: float = 0.36, size: float = 10.0, bold: bool = False) -> list[Row]:
    """A label and its value in a second column, the value wrapped over several rows when long."""
    lines = wrap(value, style, size, 1 - at, bold) or [""]
    return [text(Cell(label if i == 0 else ""), Cell(line, at), size=size, bold=bold) for i, line in enumerate(lines)]


def section(
    style: Style, numbered: bool, n: int, title: str, items: list[tuple[str, str]], at: float = 0.4, size: float = 9.5
) -> list[Row]:
    """A form section: its title, then labelled values (numbered 2.1, 2.2... on the European forms)."""
    rows = [Row(kind="gap", size=4), text(f"{n}. {title}" if numbered else title, bold=True, size=10), Row(kind="rule")]
    for i, (label, value) in enumerate(items, start=1):
        rows += labelled_rows(f"{n}.{i} {label}" if numbered else label, value, style, at, size)
    return rows


def person_name(rng: random.Random, who: fakes.Person, titled: bool = True) -> str:
    forms = [f"{who.last.upper()} {who.first}", f"{who.first} {who.last.upper()}", who.name]
    return rng.choice(forms + ([f"{who.title} {who.first} {who.last.upper()}"] if titled else []))


def shown_nir(rng: random.Random, number: str) -> str:
    return rng.choice([fakes.spaced_nir(number), number, f"{number[:13]} {number[13:]}"])


def cpam(rng: random.Random, address: fakes.Address) -> str:
    """The printed name of the primary fund of an address (a general fund in La Réunion)."""
    if address.department == "97":
        return rng.choice(["Caisse générale de sécurité sociale de La Réunion", "CGSS de La Réunion"])
    where = DEPARTMENTS.get(address.department, f"de {address.city}")
    return rng.choice([f"Caisse primaire d'assurance maladie {where}", f"CPAM {where}", f"CPAM {where}"])


def institution_code(rng: random.Random, address: fakes.Address) -> str:
    return f"01 {address.department}{rng.randint(1, 9)} {fakes.digits(rng, 4)}"


def period(start: date, end: date, reason: str, country: str | None = None) -> dict:
    record = {"from": start.isoformat(), "to": end.isoformat(), "reason": reason, "kind": "period"}
    if country:
        record["country"] = country
    return record


def date_style(rng: random.Random) -> str:
    return rng.choice(["slash", "slash", "slash", "long", "dot_short", "abbrev"])


def issue_row(rng: random.Random, day: date, city: str, labels: list[str], style: str, right: bool | None = None) -> Row:
    """'Délivrée le 12/03/2024' / 'Fait à Lyon, le 12 mars 2024', left or right."""
    label = rng.choice(labels).format(city=city)
    shown = f"{label} {formats.fr_date(day, style)}"
    right = rng.random() < 0.5 if right is None else right
    return text(Cell(shown, 1.0, "r") if right else Cell(shown))


def signature_rows(rng: random.Random, lines: list[str]) -> list[Row]:
    """A signature block on the right: who signs, then room for the stamp and signature."""
    x = rng.choice([0.55, 0.6, 0.62])
    return [text(Cell(line, x), size=8.5) for line in lines] + [Row(kind="gap", size=26)]


def company_name(rng: random.Random, address: fakes.Address) -> str:
    patterns = [
        "{last} Ingénierie",
        "Société {last} et Fils",
        "Groupe {last}",
        "Transports {last}",
        "{last} Industries SAS",
        "Bâtiments {last} & {last2}",
        "Cabinet {last} Conseil",
        "Ateliers de {city}",
        "{last} Logistique",
        "Sud {last} Énergie",
    ]
    return elide(fakes.shop_name(rng, patterns, address))


def name_row(name: str, rng: random.Random, style: Style, sizes: tuple[float, ...] = (14, 15, 16)) -> Row:
    """An issuer's name in bold, as large as `sizes` allows within the width."""
    return text(name, size=fit_size(name, style, rng.choice(sizes)), bold=True)


def fitted(words: str, style: Style, size: float, bold: bool = False) -> Row:
    """A one-line row at `size`, smaller when needed to fit the width (footers, continuation headers)."""
    return text(words, size=fit_size(words, style, size, bold), bold=bold)


INFORMATION = [
    (
        "Protection des données",
        "Les informations recueillies font l'objet d'un traitement informatique destiné à la gestion de "
        "vos droits. Conformément au règlement général sur la protection des données (RGPD) et à la loi Informatique et Libertés, "
        "vous disposez d'un droit d'accès, de rectification et d'opposition auprès du délégué à la protection des données de "
        "l'organisme émetteur.",
    ),
    (
        "Nous contacter",
        "Pour toute question, connectez-vous à votre espace personnel ou écrivez-nous en rappelant les références "
        "figurant en haut de ce document. Joignez une copie de ce document à toute correspondance.",
    ),
    (
        "Conservation",
        "Conservez ce document pendant toute sa durée de validité et au moins cinq ans : il peut vous être "
        "demandé à l'appui d'une demande de remboursement.",
    ),
    (
        "Fraude",
        "Toute fausse déclaration ou utilisation frauduleuse de ce document expose son auteur aux sanctions prévues par "
        "le Code pénal et le Code de la sécurité sociale.",
    ),
]
INFORMATION_TITLES = ["Informations importantes", "À savoir", "Informations complémentaires"]


def information_rows(rng: random.Random, style: Style, pages: int) -> list[Row]:
    """More reading for a multi-page document: a block of notices (nothing on a one-page document)."""
    if pages < 2:
        return []
    rows = [Row(kind="gap"), text(rng.choice(INFORMATION_TITLES), bold=True, size=10)]
    for title, words in rng.sample(INFORMATION, min(len(INFORMATION), pages + 1)):
        rows += [text(title, bold=True, size=8.5), *paragraph(words, style, 8)]
    return rows
