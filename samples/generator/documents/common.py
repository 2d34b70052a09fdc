"""Shared pieces of the document builders: the ground-truth record, date picking, footers, headers."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from samples.generator import formats
from samples.generator.fakes import Address, Person
from samples.generator.layout import Cell, Row, text

FIRST_DAY = date(2019, 1, 1)
LAST_CARE_DAY = date(2026, 9, 30)
LATEST = date(2026, 11, 1)  # no printed date of any kind is later than this


def care_day(rng: random.Random) -> date:
    """A care date in 2019-01-01 .. 2026-09-30, days 1 and 2-12 a little over-represented (1er, day/month swaps)."""
    day = FIRST_DAY + timedelta(days=rng.randrange((LAST_CARE_DAY - FIRST_DAY).days + 1))
    roll = rng.random()
    if roll < 0.08:
        day = day.replace(day=1)
    elif roll < 0.25:
        day = day.replace(day=rng.randint(2, 12))
    return day


def later(rng: random.Random, day: date, low: int, high: int) -> date:
    """A date `low`..`high` days after `day`, never after LATEST."""
    return min(day + timedelta(days=rng.randint(low, high)), LATEST)


def truth(kind: str, doc_type: str, care_type: str, day: date, **fields) -> dict:
    """The ground-truth record with every key present (null / empty when it does not apply)."""
    record = {
        "id": None,
        "seed": None,
        "kind": kind,
        "doc_type": doc_type,
        "care_type": care_type,
        "date": day.isoformat(),
        "total": None,
        "gross_total": None,
        "currency": None,
        "format": None,
        "variant": None,
        "pages": 1,
        "language": "fr",
        "country": "FR",
        "issuer": None,
        "beneficiary": None,
        "beneficiary_birth_date": None,
        "practitioner": None,
        "identifiers": {},
        "lines": None,
        "sessions": None,
        "stay": None,
        "print_date": None,
        "due_date": None,
        "rotation": 0,
        "skew_angle": None,
        "attachments": [],
        "traps": [],
    }
    unknown = set(fields) - set(record)
    if unknown:
        raise KeyError(f"unknown ground-truth keys: {sorted(unknown)}")
    record.update(fields)
    return record


def money_truth(total: Decimal | None) -> str | None:
    return None if total is None else f"{total:.2f}"


def line_truth(label: str, amount: Decimal | None) -> dict:
    return {"label": label, "amount": money_truth(amount)}


def add_trap(record: dict, *names: str) -> None:
    for name in names:
        if name not in record["traps"]:
            record["traps"].append(name)


def birth_phrase(rng: random.Random, who: Person) -> str:
    label = rng.choice(["Né(e) le", "Né(e) le", "Date de naissance :", "Né le" if who.sex == 1 else "Née le"])
    return f"{label} {who.born:%d/%m/%Y}"


def patient_rows(rng: random.Random, who: Person, record: dict, label: str | None = None) -> list[Row]:
    """The beneficiary block: name and birth date (a date that is never the care date)."""
    label = label or rng.choice(["Patient :", "Bénéficiaire :", "Assuré(e) :", "Nom du patient :", ""])
    name = rng.choice([f"{who.title} {who.first} {who.last.upper()}", f"{who.last.upper()} {who.first}", who.name])
    record.update(beneficiary=who.name, beneficiary_birth_date=who.born.isoformat())
    add_trap(record, "birth_date")
    if rng.random() < 0.5:
        return [text(f"{label} {name}".strip()), text(birth_phrase(rng, who))]
    return [text(Cell(f"{label} {name}".strip()), Cell(birth_phrase(rng, who), 0.58))]


def address_rows(address: Address, phone_label: str = "Tél.", size: float = 8.5) -> list[Row]:
    return [
        text(address.street, size=size),
        text(address.city_line, size=size),
        text(f"{phone_label} {address.phone}", size=size),
    ]


def print_footer(rng: random.Random, day: date, record: dict, language: str = "fr") -> list[Row]:
    """'Imprimé le ...' / 'Edité le ...' with a date after the document's main date."""
    printed = later(rng, day, 1, 45)
    record["print_date"] = printed.isoformat()
    add_trap(record, "print_date")
    if language == "en":
        label, shown = (
            rng.choice(["Printed on", "Printed", "Issued"]),
            formats.en_date(printed, rng.choice(formats.EN_DATE_STYLES)),
        )
    else:
        label = rng.choice(["Imprimé le", "Edité le", "Édité le", "Document imprimé le", "Date d'édition :"])
        shown = formats.fr_date(printed, rng.choice(["slash", "slash", "dot_short", "iso"]))
        if rng.random() < 0.5:
            shown += f" à {rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}"
    return [text(f"{label} {shown}", size=7.5)]


def legal_footer(rng: random.Random, siret: str | None = None) -> list[Row]:
    parts = [rng.choice(["SELARL au capital de 15 000 €", "SAS au capital de 8 000 €", "EURL au capital de 10 000 €", "SNC"])]
    if siret:
        parts.append(f"SIRET {siret}")
    parts.append(f"APE {rng.choice(['4773Z', '8690E', '8621Z'])}")
    return [text(" - ".join(parts), size=7)]


def due_rows(rng: random.Random, day: date, record: dict, probability: float = 0.3) -> list[Row]:
    """Sometimes a due date ('Date d'échéance'), later than the main date."""
    if rng.random() >= probability:
        return []
    due = later(rng, day, 15, 30)
    record["due_date"] = due.isoformat()
    add_trap(record, "due_date")
    label = rng.choice(["Date d'échéance :", "Échéance :", "A régler avant le"])
    return [text(f"{label} {formats.fr_date(due, 'slash')}")]


def heading(title: str, rng: random.Random, size: float | None = None) -> Row:
    align = rng.choice(["l", "l", "c"])
    return text(Cell(title, 0.5 if align == "c" else 0.0, align), size=size or rng.choice([13, 14, 15, 16]), bold=True)
