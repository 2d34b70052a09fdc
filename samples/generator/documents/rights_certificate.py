"""Rights certificate: the national health insurance's "attestation de droits" (CPAM) or a mutual's
"attestation de tiers payant" (third-party-payment certificate), naming the insured person, the
dependants ("ayants droit") and the period the rights are open.

`date` is the issue date ("Attestation délivrée le"), `beneficiary` the insured person (when the patient
given is a minor, a parent is the insured person and the patient a dependant), `identifiers` the
insured person's NIR (and the mutual's AMC number), `stay` the rights period (official.period).
Traps: the rights period ("droits ouverts du ... au ..."), every beneficiary's birth date, the NIR,
the AMC and member numbers, an exemption end date (ALD), the declared GP's name and declaration date,
the third-party-payment codes and percentages.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from samples.generator import fakes, formats
from samples.generator.documents import common, official
from samples.generator.layout import Cell, Doc, Row, Style, gap, random_style, rule, text

MUTUALS = [
    "Mutuelle Avenir Santé",
    "Mutuelle des Tilleuls",
    "Mutuelle Générale Interpro",
    "Prévoyance Santé {city}",
    "Mutuelle Familiale de l'Ouest",
    "Solidarité Mutualiste {city}",
    "MSP - Mutuelle Santé Prévoyance",
    "Mutuelle {last}",
]
CPAM_TITLES = [
    "ATTESTATION DE DROITS",
    "Attestation de droits à l'assurance maladie",
    "Attestation de vos droits",
    "ATTESTATION DE DROITS AUX PRESTATIONS",
]
MUTUAL_TITLES = [
    "ATTESTATION DE TIERS PAYANT",
    "Carte de tiers payant",
    "Attestation de droits - tiers payant",
    "CARTE MUTUALISTE - TIERS PAYANT",
]
ISSUE_LABELS = ["Attestation délivrée le", "Délivrée le", "Fait à {city}, le", "Date d'édition :", "Le"]
CPAM_RIGHTS = ["Droits ouverts du", "Période de validité : du", "Vos droits sont ouverts du", "Droits à l'assurance maladie : du"]
MUTUAL_RIGHTS = ["Période de garantie : du", "Période de validité : du", "Droits ouverts du"]
CPAM_NOTES = ["Exonération du ticket modérateur : non", "Complémentaire santé solidaire : non", "Régime : général"]
CONTRACTS = [
    "Santé collective entreprise",
    "Santé individuelle - niveau 3",
    "Contrat responsable Confort",
    "Garantie Essentielle",
]
CODES = ["PHAR", "LABO", "RADL", "AUXM", "HOSP", "OPTI", "DENT", "AUDI", "SAGE", "TRAN"]  # pharmacy, laboratory, radiology...
RATES = ["100 %", "100 % BR", "SP", "OC", "IS", "DRE"]
SIGNERS = ["Le Directeur", "Pour le Directeur et par délégation", "Le service Adhérents"]
FOOTERS = [
    "Document à conserver",
    "Ce document ne constitue pas une carte Vitale",
    "Attestation établie à la demande de l'assuré(e)",
]
NOTICE = (
    "Cette attestation peut vous être demandée par les professionnels de santé, notamment en l'absence de carte Vitale. "
    "Elle ne vaut que pour la période indiquée. Signalez tout changement de situation (adresse, situation familiale, "
    "activité professionnelle) à votre organisme. Toute fraude ou fausse déclaration expose à des sanctions."
)

Member = tuple[fakes.Person, str]  # (person, relation)


def family(rng: random.Random, who: fakes.Person, day: date) -> tuple[fakes.Person, list[Member]]:
    """The insured person and every beneficiary (insured first); a minor patient is a child of the insured."""
    parent_born = who.born - timedelta(days=rng.randint(7500, 14000))
    insured = who if official.age(who, day) >= 18 else official.relative(rng, who.last, parent_born)
    members: list[Member] = [(insured, "Assuré(e)")]
    if rng.random() < 0.4:
        spouse = fakes.person(rng, insured.born.year - 5, insured.born.year + 5)
        members.append((fakes.Person(spouse.first, insured.last, spouse.sex, spouse.born), "Conjoint(e)"))
    children = [] if who is insured else [who]
    for _ in range(rng.choice([0, 0, 1, 2, 3]) - len(children)):
        born = insured.born + timedelta(days=rng.randint(7500, 14000))
        if day - timedelta(days=20 * 365) < born < day - timedelta(days=30):
            children.append(official.relative(rng, insured.last, born))
    return insured, members + [(child, "Enfant") for child in sorted(children, key=lambda c: c.born)]


def rights_period(rng: random.Random, day: date) -> tuple[date, date]:
    """The calendar year of the issue date, or a year (or two) that began before it."""
    if rng.random() < 0.6:
        return official.clamp(date(day.year, 1, 1)), official.clamp(date(day.year, 12, 31))
    start = official.shift(day, -rng.randint(0, 200))
    return start, official.clamp(start + timedelta(days=rng.choice([364, 365, 729])))


def member_rows(members: list[Member], end: date, style: str, with_period: bool) -> list[Row]:
    """The beneficiaries' table: name, birth date, relation to the insured person (and end of rights)."""
    head = [Cell("Nom - Prénom"), Cell("Date de naissance", 0.37), Cell("Qualité", 0.6)]
    rows = [Row(head + ([Cell("Droits jusqu'au", 1.0, "r")] if with_period else []), size=8.5, bold=True), rule()]
    for person, relation in members:
        born = formats.fr_date(person.born, style)
        cells = [Cell(f"{person.last.upper()} {person.first}"), Cell(born, 0.37), Cell(relation, 0.6)]
        rows.append(Row(cells + ([Cell(formats.fr_date(end, style), 1.0, "r")] if with_period else []), size=9))
    return rows


def insured_rows(rng: random.Random, insured: fakes.Person, nir: str, style: str, doc_style: Style) -> list[Row]:
    address = fakes.fr_address(rng)
    rows = [text(rng.choice(["Identification de l'assuré(e)", "L'assuré(e)", "Assuré(e) social(e)"]), bold=True)]
    rows.append(official.labelled("Nom, prénom :", official.person_name(rng, insured)))
    label = rng.choice(["N° de sécurité sociale :", "Numéro d'immatriculation :", "NIR :"])
    rows.append(official.labelled(label, official.shown_nir(rng, nir)))
    rows.append(official.labelled("Date de naissance :", formats.fr_date(insured.born, style)))
    return rows + official.labelled_rows("Adresse :", f"{address.street}, {address.city_line}", doc_style, 0.36, 9)


def rights_rows(rng: random.Random, start: date, end: date, style: str, mutual: bool, record: dict) -> list[Row]:
    """The rights period, then an exemption with its end date (CPAM) or the contract (mutual)."""
    label = rng.choice(MUTUAL_RIGHTS if mutual else CPAM_RIGHTS)
    rows = [text(f"{label} {formats.fr_date(start, style)} au {formats.fr_date(end, style)}", bold=True)]
    common.add_trap(record, "rights_period")
    if mutual:
        return [*rows, text(f"Contrat : {rng.choice(CONTRACTS)} - n° {fakes.digits(rng, 7)}", size=9)]
    if rng.random() < 0.3:
        ald = official.clamp(end + timedelta(days=rng.randint(100, 900)))
        common.add_trap(record, "exemption_date")
        return [*rows, text(f"Exonération du ticket modérateur (ALD) jusqu'au {formats.fr_date(ald, style)}", size=9)]
    return [*rows, text(rng.choice(CPAM_NOTES), size=9)]


def gp_rows(rng: random.Random, day: date, record: dict) -> list[Row]:
    """Sometimes the declared GP and the declaration date (a name that is not the issuer, a date that is not the date)."""
    if rng.random() >= 0.5:
        return []
    doctor, declared = fakes.person(rng, 1950, 1990), day - timedelta(days=rng.randint(60, 1500))
    common.add_trap(record, "gp_declaration")
    shown = formats.fr_date(declared, "slash")
    return [text(f"Médecin traitant : Dr {doctor.first} {doctor.last.upper()} (déclaré le {shown})", size=9)]


def codes_rows(rng: random.Random) -> list[Row]:
    """The third-party-payment codes of a mutual's certificate, three a row."""
    codes = rng.sample(CODES, rng.randint(5, 9))
    rows = [text(rng.choice(["Codes tiers payant", "Prestations couvertes en tiers payant"]), size=8.5, bold=True)]
    for i in range(0, len(codes), 3):
        cells = [Cell(f"{code} {rng.choice(RATES)}", 0.34 * n) for n, code in enumerate(codes[i : i + 3])]
        rows.append(Row(cells, size=8.5, family="mono"))
    return rows


def cpam_header(rng: random.Random, address: fakes.Address, record: dict, style: Style) -> list[Row]:
    name = official.cpam(rng, address)
    record["issuer"] = name
    rows = [text("l'Assurance Maladie", size=rng.choice([15, 16, 17]), bold=True), official.name_row(name, rng, style, (10, 11))]
    rows += [text(f"{rng.choice(['Code organisme', 'Organisme'])} : {official.institution_code(rng, address)}", size=8)]
    return [*rows, text(f"{address.city_line} - ameli.fr - 36 46", size=8), gap()]


def mutual_header(rng: random.Random, address: fakes.Address, record: dict, style: Style) -> list[Row]:
    name = fakes.shop_name(rng, MUTUALS, address)
    amc = fakes.digits(rng, 9)
    record["issuer"] = name
    record["identifiers"]["amc"] = amc
    common.add_trap(record, "amc_number")
    rows = [official.name_row(name, rng, style), text("Mutuelle régie par le Livre II du Code de la mutualité", size=7.5)]
    rows += [text(f"N° AMC : {amc}    N° adhérent : {fakes.digits(rng, 8)}", size=9, family="mono")]
    return rows + common.address_rows(address, "Tél.", 8) + [gap()]


def build(
    rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, mutual: bool | None = None, **_
) -> Doc:
    """A rights certificate; `mutual` forces the mutual's third-party-payment certificate (True) or the CPAM's (False)."""
    day = day or common.care_day(rng)
    who = patient or fakes.person(rng)
    insured, members = family(rng, who, day)
    nir, address = fakes.nir(rng, insured), fakes.fr_address(rng)
    mutual = rng.random() < 0.45 if mutual is None else mutual
    start, end = rights_period(rng, day)
    style, doc_style = official.date_style(rng), random_style(rng)
    record = common.truth(
        "rights_certificate",
        "rights_certificate",
        None,
        day,
        beneficiary=insured.name,
        beneficiary_birth_date=insured.born.isoformat(),
        identifiers={"nir": nir},
        stay=official.period(start, end, "droits ouverts"),
    )
    common.add_trap(record, "birth_date", "nir")
    if len(members) > 1:
        common.add_trap(record, "dependants")
    header = (mutual_header if mutual else cpam_header)(rng, address, record, doc_style)
    title = rng.choice(MUTUAL_TITLES if mutual else CPAM_TITLES)
    header += [official.heading(title, rng, doc_style)]
    header.append(official.issue_row(rng, day, address.city, ISSUE_LABELS, rng.choice(["slash", "long", style])))
    header += [gap(), *insured_rows(rng, insured, nir, style, doc_style), gap()]
    header += rights_rows(rng, start, end, style, mutual, record) + ([] if mutual else gp_rows(rng, day, record))
    header += [gap(), text(rng.choice(["Bénéficiaire(s)", "Bénéficiaires couverts", "Personnes couvertes"]), bold=True)]
    body = member_rows(members, end, style, mutual or rng.random() < 0.5)
    if mutual:
        body += [gap(), *codes_rows(rng)]
    if pages > 1 or rng.random() < 0.4:
        body += [gap(), *official.paragraph(NOTICE, doc_style, 8)]
    body += official.information_rows(rng, doc_style, pages)
    totals = [gap(), *official.signature_rows(rng, [rng.choice(SIGNERS)])]
    footer = [text(rng.choice(FOOTERS), size=7)]
    continuation = [official.fitted(f"{record['issuer']} - {title} (suite)", doc_style, 9, True), gap()]
    return Doc(
        "rights_certificate",
        record,
        doc_style,
        header,
        body,
        totals,
        footer,
        continuation,
        money=None,
        page_numbers="Page {i}/{n}",
    )
