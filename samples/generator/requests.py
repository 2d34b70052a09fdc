"""The bundled sample requests (samples/requests/<name>/ with their files and expected.json).

Documents of one request belong together: the prescription is the invoice's (same patient, earlier
date), the card ticket pays the invoice (same merchant, date and amount). `expected.json` maps each
file to its full ground truth plus `flags`, the flag codes the pipeline must raise (bad files carry
only `flags`).
"""

from __future__ import annotations

import json
import random
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from samples.generator import fakes, malformed
from samples.generator.corpus import generate

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "requests"
SEED = 2021


RECENT = date(2026, 9, 1)  # sample care happens in the autumn of 2026: inside the rules' two-year limit until 2028


def recent(rng: random.Random) -> date:
    return RECENT + timedelta(days=rng.randint(0, 45))


def before(record: dict, low: int, high: int, rng: random.Random, key: str = "date") -> date:
    return date.fromisoformat(record[key]) - timedelta(days=rng.randint(low, high))


def paid_by_card(record: dict) -> dict:
    return {"day": date.fromisoformat(record["date"]), "total": Decimal(record["total"]), "merchant": record["issuer"]}


def pharmacy(folder: Path, rng: random.Random) -> dict:
    who = fakes.person(rng, 1950, 2005)
    invoice = generate(
        "pharmacy_invoice",
        "pdf_text",
        "clean",
        rng.randrange(10**6),
        folder / "invoice.pdf",
        patient=who,
        third_party=False,
        day=recent(rng),
    )
    order = generate(
        "prescription",
        "jpg",
        "photo",
        rng.randrange(10**6),
        folder / "ordonnance.jpg",
        patient=who,
        day=before(invoice, 0, 6, rng),
    )
    return {"invoice.pdf": invoice, "ordonnance.jpg": order}


def missing_prescription(folder: Path, rng: random.Random) -> dict:
    """A pharmacy invoice sent alone: the prescription must be asked for."""
    who = fakes.person(rng, 1950, 2005)
    invoice = generate(
        "pharmacy_invoice",
        "jpg",
        "photo",
        rng.randrange(10**6),
        folder / "facture.jpg",
        patient=who,
        third_party=False,
        day=recent(rng),
    )
    return {"facture.jpg": invoice}


def physio(folder: Path, rng: random.Random) -> dict:
    who = fakes.person(rng, 1950, 2005)
    invoice = generate(
        "physio_invoice",
        "pdf_scan",
        "multipage",
        rng.randrange(10**6),
        folder / "kine.pdf",
        pages=2,
        patient=who,
        day=recent(rng),
    )
    first = {"date": invoice["sessions"][0]}
    order = generate(
        "prescription",
        "png",
        "clean",
        rng.randrange(10**6),
        folder / "prescription.png",
        patient=who,
        day=before(first, 3, 20, rng),
        for_physio=True,
    )
    return {"kine.pdf": invoice, "prescription.png": order}


def abroad_japan(folder: Path, rng: random.Random) -> dict:
    who = fakes.person(rng, 1950, 2005)
    invoice = generate("invoice_jpy", "jpg", "clean", rng.randrange(10**6), folder / "clinic.jpg", patient=who, day=recent(rng))
    ticket = generate("card_ticket_jpy", "png", "clean", rng.randrange(10**6), folder / "ticket.png", **paid_by_card(invoice))
    care = date.fromisoformat(invoice["date"])
    manifest = {
        "channel": "extranet",
        "beneficiary": {"name": who.name, "birth_date": who.born.isoformat()},
        "care_types": ["general_practitioner"],
        "situation": "abroad",
        "country": "JP",
        "stay": {"start": (care - timedelta(days=4)).isoformat(), "end": (care + timedelta(days=9)).isoformat()},
        "stay_motive": "vacances",
        "hospitalisation": False,
        "total_declared": invoice["total"],
        "currency": "JPY",
        "relates_to": "illness",
        "planned": False,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"clinic.jpg": invoice, "ticket.png": ticket}


def abroad_usa(folder: Path, rng: random.Random) -> dict:
    who = fakes.person(rng, 1950, 2005)
    store = rng.choice([name for name in fakes.US_CLINICS if "Pharmacy" in name or "Drugstore" in name])
    invoice = generate(
        "invoice_usd",
        "pdf_scan",
        "clean",
        rng.randrange(10**6),
        folder / "pharmacy.pdf",
        patient=who,
        issuer=store,
        day=recent(rng),
    )
    ticket = generate("card_ticket_usd", "jpg", "rot90", rng.randrange(10**6), folder / "ticket.jpg", **paid_by_card(invoice))
    return {"pharmacy.pdf": invoice, "ticket.jpg": ticket}


def hospital(folder: Path, rng: random.Random) -> dict:
    who = fakes.person(rng, 1950, 2005)
    bulletin = generate(
        "hospital_bulletin", "pdf_text", "clean", rng.randrange(10**6), folder / "bulletin.pdf", patient=who, day=recent(rng)
    )
    sheet = generate(
        "care_sheet",
        "jpg",
        "rot180",
        rng.randrange(10**6),
        folder / "feuille-de-soins.jpg",
        patient=who,
        day=before(bulletin["stay"], 2, 20, rng, "from"),
    )
    return {"bulletin.pdf": bulletin, "feuille-de-soins.jpg": sheet}


def rejects(folder: Path, rng: random.Random) -> dict:
    """A clean ticket disguised by its name (a PNG named .pdf: accepted, typed by content) and bad files."""
    ticket = generate("card_ticket", "png", "clean", rng.randrange(10**6), folder / "ticket.png", day=recent(rng))
    (folder / "ticket.png").rename(folder / "ticket.pdf")
    expected = {"ticket.pdf": ticket}
    bad = {
        "empty.pdf": (malformed.empty, "empty_file"),
        "scan.gif": (malformed.gif, "unsupported_format"),
        "truncated.pdf": (malformed.truncated_pdf, "unreadable_file"),
        "locked.pdf": (malformed.encrypted_pdf, "encrypted_pdf"),
        "broken.jpg": (malformed.garbage_jpeg, "unreadable_file"),
    }
    for name, (make, flag) in bad.items():
        make(folder / name)
        expected[name] = {"flags": [flag]}
    landscape = generate(
        "pharmacy_invoice", "pdf_text", "landscape", rng.randrange(10**6), folder / "landscape.pdf", day=recent(rng)
    )
    expected["landscape.pdf"] = {**landscape, "flags": ["not_a4_portrait"]}
    return expected


REQUESTS = {
    "pharmacy": pharmacy,
    "physio": physio,
    "abroad-japan": abroad_japan,
    "abroad-usa": abroad_usa,
    "hospital": hospital,
    "rejects": rejects,
    "missing-prescription": missing_prescription,
}


# What the claim checks must conclude on each request (claim.expected.json): its status and flag codes
# that must be among the claim's (written by hand from the rules, not computed by the pipeline); for care
# abroad, the bills' total in euros at the ECB rate of the date of care (JPY 178.49 on 2026-10-01, USD 1.1616
# on 2026-09-10: 3810 / 178.49 = 21.35, 648.63 / 1.1616 = 558.39).
CLAIMS = {
    "pharmacy": {"status": "ready", "flags": []},
    "physio": {"status": "ready", "flags": []},
    "abroad-japan": {"status": "ready", "flags": [], "total_eur": "21.35"},
    "abroad-usa": {"status": "needs_review", "flags": ["missing_prescription"], "total_eur": "558.39"},
    "hospital": {"status": "ready", "flags": []},
    "rejects": {
        "status": "needs_review",
        "flags": ["empty_file", "unsupported_format", "unreadable_file", "encrypted_pdf", "missing_prescription"],
    },
    "missing-prescription": {"status": "needs_review", "flags": ["missing_prescription"]},
}


def build_requests(out: Path = DEFAULT_OUT, seed: int = SEED) -> dict[str, dict]:
    """(Re)build every sample request folder under `out` (each folder is emptied first)."""
    built = {}
    for index, (name, make) in enumerate(REQUESTS.items()):
        folder = out / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        expected = make(folder, random.Random(seed * 1000 + index))
        for record in expected.values():
            record.setdefault("flags", [])
        (folder / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (folder / "claim.expected.json").write_text(json.dumps(CLAIMS[name], indent=2) + "\n", encoding="utf-8")
        built[name] = expected
    return built
