"""Bank details (RIB, relevé d'identité bancaire): the bank, the account holder (the beneficiary), the
domiciliation, the national identifiers (bank code, branch code, account number, RIB key), the IBAN
in groups of four and the BIC, often printed two or three times to be cut out.

No document date: `date` is null; an online-banking print date, when printed, is `print_date`.
`identifiers` holds the compact IBAN (valid check digits and RIB key) and the BIC. Traps: the account
number and RIB key beside the IBAN, an IBAN split in groups (or not), a BIC of 8 or 11 characters,
the agency's phone number, a joint account naming a second holder, the print date, repeated copies.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from samples.generator import fakes, formats
from samples.generator.documents import common, official
from samples.generator.layout import Cell, Doc, Row, gap, random_style, rule, text

# (printed name, short name in the domiciliation, bank code, BIC without branch, branch codes printed after it)
BANKS = [
    ("BNP PARIBAS", "BNP PARIBAS", "30004", "BNPAFRPP", ["XXX", ""]),
    ("SOCIETE GENERALE", "SG", "30003", "SOGEFRPP", ["", "XXX"]),
    ("LCL - Le Crédit Lyonnais", "LCL", "30002", "CRLYFRPP", ["XXX", ""]),
    ("Crédit Agricole Normandie", "CA NORMANDIE", "16606", "AGRIFRPP", ["866"]),
    ("Crédit Agricole d'Île-de-France", "CA IDF", "18206", "AGRIFRPP", ["882"]),
    ("CRÉDIT MUTUEL", "CCM", "10278", "CMCIFR2A", ["", "XXX"]),
    ("La Banque Postale", "LBP", "20041", "PSSTFRPP", ["PAR", "LYO", "MAR", "LIL", "BDX"]),
    ("CIC", "CIC", "30066", "CMCIFRPP", ["XXX", ""]),
    ("BRED Banque Populaire", "BRED", "10107", "BREDFRPP", ["XXX", ""]),
    ("Caisse d'Epargne", "CE", "13335", "CEPAFRPP", ["333"]),
    ("Caisse d'Epargne", "CE", "14445", "CEPAFRPP", ["444"]),
    ("BoursoBank", "BOURSOBANK", "40618", "BOUSFRPP", ["XXX", ""]),
    ("AXA Banque", "AXA BANQUE", "12548", "AXABFRPP", ["XXX", ""]),
]
TITLES = [
    "RELEVÉ D'IDENTITÉ BANCAIRE",
    "Relevé d'Identité Bancaire (RIB)",
    "RIB - Relevé d'identité bancaire",
    "Vos coordonnées bancaires",
    "Relevé d'identité bancaire",
]
HOLDER_LABELS = ["Titulaire du compte :", "Titulaire :", "Intitulé du compte :", "Nom du titulaire :"]
DOMICILIATION_LABELS = ["Domiciliation :", "Agence :", "Banque / Agence :", "Domiciliation bancaire :"]
IBAN_LABELS = ["IBAN :", "IBAN", "Identifiant international de compte (IBAN) :", "N° IBAN :"]
BIC_LABELS = ["BIC :", "BIC", "Code BIC (SWIFT) :", "BIC (Bank Identifier Code) :"]
AGENCIES = ["CENTRE", "GARE", "REPUBLIQUE", "HOTEL DE VILLE", "GAMBETTA", "JEAN JAURES", "LES HALLES", "PRINCIPALE"]
CUTS = ["- " * 30 + "✂", "·" * 80, "- " * 27]
INTRO = (
    "Ce relevé est destiné à être remis, sur leur demande, à vos créanciers ou débiteurs appelés à faire inscrire des "
    "opérations à votre compte (virements, prélèvements, etc.). Son utilisation vous garantit le bon enregistrement des "
    "opérations en cause et vous évite ainsi des réclamations pour erreurs ou retards d'imputation."
)


@dataclass(frozen=True)
class Account:
    """One bank account as a RIB prints it."""

    bank: str
    code: str
    branch: str
    number: str
    key: str
    iban: str
    bic: str
    domiciliation: str
    holder: list[str]  # the holder's name, then a second holder's on a joint account
    address: fakes.Address
    agency_phone: str


def account(rng: random.Random, who: fakes.Person) -> Account:
    bank, short, code, bic8, suffixes = rng.choice(BANKS)
    iban, branch, number, key = fakes.fr_iban(rng, code)
    agency = fakes.fr_address(rng)
    domiciliation = f"{short} {agency.city.upper()}" + (f" {rng.choice(AGENCIES)}" if len(agency.city) < 12 else "")
    return Account(
        bank,
        code,
        branch,
        number,
        key,
        iban,
        bic8 + rng.choice(suffixes),
        domiciliation,
        holder_name(rng, who),
        fakes.fr_address(rng),
        agency.phone,
    )


def holder_name(rng: random.Random, who: fakes.Person) -> list[str]:
    """The holder's name as printed, and a second holder's on a joint account."""
    name = rng.choice(
        [
            f"{who.title.upper()} {who.first.upper()} {who.last.upper()}",
            f"{who.title} {who.last.upper()} {who.first}",
            f"{who.last.upper()} {who.first.upper()}",
        ]
    )
    if rng.random() < 0.2:
        other = fakes.person(rng, who.born.year - 6, who.born.year + 6)
        return [name, f"OU {'M.' if other.sex == 1 else 'MME'} {other.first.upper()} {other.last.upper()}"]
    return [name]


def national_rows(acc: Account) -> list[Row]:
    """The national identifiers' table: bank code, branch code, account number, RIB key."""
    xs = (0.0, 0.2, 0.42, 0.74)
    heads = ["Code banque", "Code guichet", "N° de compte", "Clé RIB"]
    values = [acc.code, acc.branch, acc.number, acc.key]
    return [
        Row([Cell(h, x) for h, x in zip(heads, xs, strict=True)], size=8, bold=True),
        Row([Cell(v, x) for v, x in zip(values, xs, strict=True)], family="mono"),
    ]


def iban_rows(rng: random.Random, acc: Account, spaced: bool) -> list[Row]:
    """The IBAN (beside a short label, under a long one) and the BIC."""
    shown = fakes.spaced_iban(acc.iban) if spaced else acc.iban
    label, bic_label = rng.choice(IBAN_LABELS), rng.choice(BIC_LABELS)
    if len(label) < 7:
        rows = [text(Cell(label), Cell(shown, 0.1), bold=True)]
    else:
        rows = [text(label, size=8.5), text(shown, bold=True, family="mono")]
    return [*rows, official.labelled(bic_label, acc.bic, 0.1 if len(bic_label) < 6 else 0.42)]


def holder_rows(rng: random.Random, acc: Account) -> list[Row]:
    first, *more = acc.holder
    rows = [official.labelled(rng.choice(HOLDER_LABELS), first, 0.34, bold=True)]
    rows += [text(Cell(line, 0.34), bold=True) for line in more]
    rows += [text(Cell(acc.address.street, 0.34), size=9), text(Cell(acc.address.city_line, 0.34), size=9)]
    return [*rows, official.labelled(rng.choice(DOMICILIATION_LABELS), acc.domiciliation, 0.34)]


def copy_rows(rng: random.Random, acc: Account, layout: str, spaced: bool, record: dict) -> list[Row]:
    """One printed copy of the account details."""
    rows = holder_rows(rng, acc)
    if rng.random() < 0.4:
        rows.append(text(Cell(f"Tél. agence : {acc.agency_phone}", 0.34), size=8))
        common.add_trap(record, "agency_phone")
    if layout == "iban_first":
        return [*rows, gap(4), *iban_rows(rng, acc, spaced), gap(4), *national_rows(acc)]
    return [*rows, gap(4), *national_rows(acc), gap(4), *iban_rows(rng, acc, spaced)]


def body_rows(rng: random.Random, acc: Account, copies: int, record: dict) -> list[Row]:
    """The copies, identical and each followed by a cut line, so that page breaks fall between copies."""
    layout, spaced = rng.choice(["table", "iban_first"]), rng.random() < 0.8
    block = copy_rows(rng, acc, layout, spaced, record)
    if copies > 1:
        common.add_trap(record, "repeated_copies")
        block += [gap(), text(Cell(rng.choice(CUTS), 0.5, "c"), size=8), gap()]
    return block * copies


def printed_rows(rng: random.Random, printed: date, record: dict) -> list[Row]:
    """An online-banking print date (recorded as `print_date`)."""
    record["print_date"] = printed.isoformat()
    common.add_trap(record, "print_date")
    label = rng.choice(["Édité le", "Document édité le", "Imprimé le", "Date d'édition :"])
    shown = formats.fr_date(printed, rng.choice(["slash", "slash", "long", "iso"]))
    if rng.random() < 0.5:
        shown += f" à {rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}"
    return [text(f"{label} {shown}", size=7.5)]


def build(rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, **_) -> Doc:
    """Bank details; `day`, when given, is the print date (a RIB has no date of its own)."""
    who = patient or fakes.person(rng)
    printed = day or common.care_day(rng)
    acc = account(rng, who)
    record = common.truth(
        "bank_details",
        "bank_details",
        None,
        printed,
        date=None,
        issuer=acc.bank,
        beneficiary=who.name,
        identifiers={"iban": acc.iban, "bic": acc.bic},
    )
    common.add_trap(record, "national_bank_ids")
    if len(acc.holder) > 1:
        common.add_trap(record, "joint_account")
    style, title = random_style(rng), rng.choice(TITLES)
    header = [official.name_row(acc.bank, rng, style, (15, 16, 18)), gap(), official.heading(title, rng, style)]
    if rng.random() < 0.5:
        header += official.paragraph(INTRO, style, 7.5)
    header.append(gap())
    body = body_rows(rng, acc, pages if pages > 1 else rng.choice([1, 1, 2, 3]), record)
    totals = []
    if rng.random() < 0.4:
        totals = [gap(), rule(), text("Conservez ce document. Ne le communiquez qu'à des organismes de confiance.", size=7)]
    footer = printed_rows(rng, printed, record) if rng.random() < 0.5 else []
    legal = rng.choice(["Société anonyme", "Société coopérative", "SA"])
    footer.append(text(f"{acc.bank} - {legal} - ORIAS {fakes.digits(rng, 8)}", size=6.5))
    continuation = [official.fitted(f"{acc.bank} - {title} (suite)", style, 9, True), gap()]
    return Doc("bank_details", record, style, header, body, totals, footer, continuation, money=None, page_numbers="{i}/{n}")
