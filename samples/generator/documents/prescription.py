"""Prescription (ordonnance): doctor header with RPPS, patient, date, medicines with posology; no amount.

Traps: numbers everywhere that are not amounts (doses, durations, phone, RPPS), the patient's birth
date or age/weight, opening hours, sometimes a "bizone" ALD layout.
"""

from __future__ import annotations

import random

from samples.generator import catalog, fakes, formats
from samples.generator.documents import common
from samples.generator.layout import Cell, Doc, Row, gap, random_style, rule, text

SPECIALTIES = [
    "Médecine générale",
    "Médecin généraliste",
    "Pédiatrie",
    "Rhumatologie",
    "Médecine du sport",
    "Dermatologie",
    "Gynécologie médicale",
    "ORL - chirurgie cervico-faciale",
]


def medicine_rows(rng: random.Random, count: int) -> tuple[list[Row], list[dict]]:
    rows, lines = [], []
    for label, _, _ in rng.sample(catalog.MEDICINES, count):
        rows.append(text(label, bold=rng.random() < 0.5))
        rows.append(text(Cell(catalog.posology(rng), 0.05), size=0))
        extra = catalog.duration(rng)
        if extra:
            rows.append(text(Cell(extra, 0.05), size=9))
        rows.append(gap(6))
        lines.append(common.line_truth(label, None))
    return rows, lines


def doctor_rows(rng: random.Random, doctor: fakes.Person, address: fakes.Address, ids: dict, specialty: str) -> list[Row]:
    name = rng.choice(
        [f"Docteur {doctor.name}", f"Dr {doctor.first} {doctor.last.upper()}", f"Dr {doctor.last.upper()} {doctor.first}"]
    )
    rows = [text(name, size=rng.choice([13, 14, 15]), bold=True), text(specialty, size=9)]
    if rng.random() < 0.5:
        rows.append(
            text(
                rng.choice(
                    [
                        "Ancien interne des Hôpitaux",
                        "Diplômé de la Faculté de Médecine de " + address.city,
                        "Conventionné secteur 1",
                        "Conventionné secteur 2 - honoraires libres",
                    ]
                ),
                size=8,
            )
        )
    rows += [text(f"RPPS {ids['rpps']}" + (f"  -  N° AM {ids['am']}" if "am" in ids else ""), size=8.5)]
    rows += common.address_rows(address, rng.choice(["Tél.", "Tél :", "Secrétariat :"]))
    if rng.random() < 0.4:
        rows.append(
            text(f"Consultations sur rendez-vous du lundi au vendredi de {rng.randint(8, 9)}h à {rng.randint(17, 19)}h", size=7.5)
        )
    return rows


def build(
    rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, for_physio: bool = False, **_
) -> Doc:
    """A prescription of medicines, or of physiotherapy sessions when `for_physio`."""
    day = day or common.care_day(rng)
    who = patient or fakes.person(rng)
    doctor, address = fakes.person(rng, 1950, 1992), fakes.fr_address(rng)
    ids = {"rpps": fakes.rpps(rng)}
    if rng.random() < 0.5:
        ids["am"] = f"{address.department}1{fakes.digits(rng, 5)}{fakes.digits(rng, 1)}"
    specialty = rng.choice(SPECIALTIES)
    care = "physiotherapy" if for_physio else "pharmacy"
    record = common.truth(
        "prescription", "prescription", care, day, issuer=f"Dr {doctor.name}", practitioner=f"Dr {doctor.name}", identifiers=ids
    )
    header = [*doctor_rows(rng, doctor, address, ids, specialty), rule(), gap()]
    if rng.random() < 0.2:
        header.append(text(Cell("ORDONNANCE", 0.5, "c"), size=15, bold=True))
    place = rng.choice([f"{address.city}, le", "Le", "Fait le", f"À {address.city}, le"])
    shown = formats.fr_date(day, rng.choice(["long", "long", "slash", "abbrev", "dot_short"]))
    header.append(text(Cell(f"{place} {shown}", 1.0, "r") if rng.random() < 0.7 else Cell(f"{place} {shown}")))
    if day.day == 1:
        common.add_trap(record, "first_of_month")
    header.append(gap())
    header += common.patient_rows(rng, who, record, rng.choice(["", "Patient :", "Pour :"]))
    if rng.random() < 0.3:
        header.append(text(f"Poids : {rng.randint(12, 95)} kg", size=9))
    header.append(gap(14))
    if care == "physiotherapy":
        sessions = rng.choice([10, 12, 15, 20])
        body = [
            text(f"{sessions} séances de kinésithérapie"),
            text(Cell(rng.choice(catalog.PHYSIO_REASONS), 0.05)),
            text(Cell(rng.choice(["À domicile si nécessaire", "2 à 3 séances par semaine", "Urgent"]), 0.05), size=9),
        ]
        lines = [common.line_truth(f"{sessions} séances de kinésithérapie", None)]
    else:
        body, lines = medicine_rows(rng, rng.randint(3, 6) * pages if pages > 1 else rng.randint(1, 4))
    record["lines"] = lines
    totals = [gap(30), text(Cell("Signature", 0.7), size=9), gap(28)]
    footer = []
    if rng.random() < 0.6:
        footer.append(text(Cell("En cas d'urgence, composez le 15", 0.5, "c"), size=7.5))
    continuation = [text(f"Dr {doctor.name} - suite de l'ordonnance du {formats.fr_date(day, 'slash')}", size=9), gap()]
    return Doc(
        "prescription",
        record,
        random_style(rng, ("sans", "serif", "serif", "condensed")),
        header,
        body,
        totals,
        footer,
        continuation,
        money=None,
        page_numbers="{i}/{n}",
    )
