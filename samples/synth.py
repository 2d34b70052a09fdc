"""A seeded generator of French (and foreign) care documents with ground truth, and the bundled
sample requests. `python -m samples.synth requests` rebuilds samples/requests/;
`python -m samples.synth corpus --out DIR --seed N --count N` writes a corpus of <id>.<ext> + <id>.json.

Documents are drawn with reportlab (DejaVu fonts: accents, € and ¥ render), then optionally
rasterised (poppler) and degraded: skew, blur, noise, low contrast, quarter turns, landscape sheet.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import cv2
import numpy as np
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {"sans": "DejaVuSans.ttf", "sans-bold": "DejaVuSans-Bold.ttf", "serif": "DejaVuSerif.ttf", "mono": "DejaVuSansMono.ttf"}
for _name, _file in FONTS.items():
    pdfmetrics.registerFont(TTFont(_name, str(FONT_DIR / _file)))

MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
MONTHS_FR_SHORT = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
FIRST = ["Claire", "Julien", "Sophie", "Karim", "Nathalie", "Thomas", "Léa", "Mathieu", "Inès", "Hugo"]
LAST = ["Dubois", "Martin", "Bernard", "Moreau", "Laurent", "Garnier", "Faure", "Rousseau", "Blanc", "Guerin"]
CITIES = [("69003", "Lyon"), ("75011", "Paris"), ("13006", "Marseille"), ("31000", "Toulouse"), ("44000", "Nantes"), ("67000", "Strasbourg")]
STREETS = ["rue des Lilas", "avenue Jean Jaurès", "boulevard Victor Hugo", "place de la République", "rue Pasteur", "allée des Tilleuls"]
MEDICINES = ["Doliprane 1000 mg cp", "Amoxicilline 1 g", "Spasfon lyoc 80 mg", "Ibuprofène 400 mg", "Smecta sachets", "Ventoline 100 µg", "Levothyrox 75 µg", "Kardégic 75 mg"]


@dataclass
class Doc:
    """A document being drawn: its lines per page and its ground truth."""

    truth: dict
    pages: list[list[tuple[str, int, str]]] = field(default_factory=lambda: [[]])

    def add(self, text: str = "", size: int = 11, font: str = "sans") -> None:
        self.pages[-1].append((text, size, font))

    def new_page(self) -> None:
        self.pages.append([])


def fr_amount(rng: random.Random, value: Decimal) -> str:
    """A French amount in one of the printed styles."""
    whole, cents = f"{value:.2f}".split(".")
    if len(whole) > 3:
        whole = whole[:-3] + rng.choice([" ", "\u00a0", "\u202f", "."]) + whole[-3:]
    style = rng.randrange(4)
    return [f"{whole},{cents} €", f"{whole},{cents} EUR", f"EUR {value:.2f}", f"{whole}€{cents}"][style] if len(whole) <= 3 else f"{whole},{cents} €"


def fr_date(rng: random.Random, day: date) -> str:
    """A French date in one of the printed styles."""
    d = "1er" if day.day == 1 else str(day.day)
    return rng.choice(
        [
            f"{day:%d/%m/%Y}",
            f"{day:%d.%m.%y}",
            f"{d} {MONTHS_FR[day.month - 1]} {day.year}",
            f"{day.day} {MONTHS_FR_SHORT[day.month - 1]} {day.year}",
            f"{day:%Y-%m-%d}",
        ]
    )


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def address(rng: random.Random) -> str:
    postcode, city = rng.choice(CITIES)
    return f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {postcode} {city}"


def care_day(rng: random.Random) -> date:
    return date(2019, 1, 1) + timedelta(days=rng.randrange((date(2026, 10, 1) - date(2019, 1, 1)).days))


def birth_line(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
    return f"Patient : {person(rng)}    Né(e) le {born:%d/%m/%Y}"


def lines_total(rng: random.Random, count: int, low: float, high: float) -> list[tuple[str, Decimal]]:
    return [(rng.choice(MEDICINES), Decimal(str(round(rng.uniform(low, high), 2)))) for _ in range(count)]


def pharmacy_invoice(rng: random.Random) -> Doc:
    day = care_day(rng)
    items = lines_total(rng, rng.randint(2, 5), 1.5, 40)
    total = sum((a for _, a in items), Decimal("0"))
    doc = Doc({"doc_type": "invoice", "care_type": "pharmacy", "date": day.isoformat(), "total": f"{total:.2f}", "currency": "EUR"})
    doc.add(f"PHARMACIE {rng.choice(['DES TILLEULS', 'DU MARCHÉ', 'CENTRALE', 'DE LA GARE'])}", 16, "sans-bold")
    doc.add(address(rng), 9)
    doc.add(f"SIRET {rng.randint(10**13, 10**14 - 1)}", 9)
    doc.add()
    doc.add(rng.choice(["FACTURE", "FACTURE ACQUITTÉE", "Facture n° " + str(rng.randint(1000, 99999))]), 14, "sans-bold")
    doc.add(f"{rng.choice(['Date de facture', 'Date', 'Délivrance du'])} : {fr_date(rng, day)}")
    doc.add(birth_line(rng))
    doc.add()
    doc.add("Désignation                               Montant")
    for label, amount in items:
        doc.add(f"{label:<38}{fr_amount(rng, amount)}")
    doc.add()
    doc.add(f"{rng.choice(['Net à payer', 'Total TTC', 'Montant réglé', 'Total à payer'])} : {fr_amount(rng, total)}", 12, "sans-bold")
    doc.add()
    doc.add(f"Imprimé le {day + timedelta(days=rng.randint(1, 30)):%d/%m/%Y}", 8)
    return doc


def prescription(rng: random.Random) -> Doc:
    day = care_day(rng)
    doc = Doc({"doc_type": "prescription", "care_type": "pharmacy", "date": day.isoformat(), "total": None, "currency": None})
    doc.add(f"Docteur {person(rng)}", 14, "serif")
    doc.add("Médecine générale - RPPS " + "".join(str(rng.randint(0, 9)) for _ in range(11)), 9, "serif")
    doc.add(address(rng), 9, "serif")
    doc.add()
    doc.add("ORDONNANCE", 16, "sans-bold")
    doc.add(f"Le {fr_date(rng, day)}", 11, "serif")
    doc.add(birth_line(rng), 11, "serif")
    doc.add()
    for label, _ in lines_total(rng, rng.randint(1, 3), 1, 2):
        doc.add(label, 11, "serif")
        doc.add(f"   {rng.randint(1, 3)} comprimé(s) {rng.randint(1, 3)} fois par jour pendant {rng.randint(3, 10)} jours", 10, "serif")
    return doc


def card_ticket(rng: random.Random) -> Doc:
    day = care_day(rng)
    total = Decimal(str(round(rng.uniform(5, 90), 2)))
    doc = Doc({"doc_type": "receipt", "care_type": "pharmacy", "date": day.isoformat(), "total": f"{total:.2f}", "currency": "EUR"})
    for text in ["CARTE BANCAIRE", "SANS CONTACT", f"PHARMACIE {rng.choice(LAST).upper()}", address(rng).split(",")[1].strip().upper(),
                 f"LE {day:%d/%m/%y} A {rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
                 f"NUMERO D'AUTORISATION: {rng.randint(100000, 999999)}", f"MONTANT= {total:.2f} EUR".replace(".", ","), "DEBIT", "TICKET CLIENT", "A CONSERVER"]:
        doc.add(text, 12, "mono")
    return doc


def physio_invoice(rng: random.Random, sessions: int = 10) -> Doc:
    start = care_day(rng)
    days = sorted({start + timedelta(days=2 * i + rng.randint(0, 1)) for i in range(sessions)})
    unit = Decimal(rng.choice(["16.13", "17.50", "21.50"]))
    total = unit * len(days)
    issued = days[-1] + timedelta(days=1)
    doc = Doc({"doc_type": "invoice", "care_type": "physiotherapy", "date": issued.isoformat(), "total": f"{total:.2f}", "currency": "EUR",
               "sessions": [d.isoformat() for d in days]})
    doc.add(f"{person(rng)} - Masseur-kinésithérapeute", 14, "sans-bold")
    doc.add(address(rng) + " - ADELI " + "".join(str(rng.randint(0, 9)) for _ in range(9)), 9)
    doc.add()
    doc.add("NOTE D'HONORAIRES", 14, "sans-bold")
    doc.add(f"Date de facture : {issued:%d/%m/%Y}")
    doc.add(birth_line(rng))
    doc.add()
    doc.add("Séance du          Acte          Montant")
    for i, d in enumerate(days):
        if i == 6:
            doc.add("(suite page 2)", 9)
            doc.new_page()
        doc.add(f"{d:%d/%m/%Y}          AMK 7.5       {str(unit).replace('.', ',')} €")
    doc.add()
    doc.add(f"Total des honoraires : {str(total).replace('.', ',')} €", 12, "sans-bold")
    doc.add("Acquittée le " + f"{issued:%d/%m/%Y}", 9)
    return doc


def hospital_bulletin(rng: random.Random) -> Doc:
    entry = care_day(rng)
    exit_ = entry + timedelta(days=rng.randint(1, 9))
    nights = (exit_ - entry).days
    room = Decimal("65.00") * nights
    forfait = Decimal("20.00") * nights
    fees = Decimal(str(round(rng.uniform(200, 1600), 2)))
    total = room + forfait + fees
    doc = Doc({"doc_type": "hospital_bulletin", "care_type": "hospitalisation", "date": entry.isoformat(), "total": f"{total:.2f}", "currency": "EUR",
               "stay": {"from": entry.isoformat(), "to": exit_.isoformat()}})
    doc.add(f"CENTRE HOSPITALIER DE {rng.choice(CITIES)[1].upper()}", 15, "sans-bold")
    doc.add("FINESS " + "".join(str(rng.randint(0, 9)) for _ in range(9)), 9)
    doc.add()
    doc.add("BULLETIN DE SITUATION", 14, "sans-bold")
    doc.add(f"Édité le {exit_:%d/%m/%Y}")
    doc.add(birth_line(rng))
    doc.add(f"Date d'entrée : {entry:%d/%m/%Y}    Date de sortie : {exit_:%d/%m/%Y}")
    doc.add(f"Motif : {rng.choice(['intervention chirurgicale', 'appendicectomie', 'fracture du poignet'])}")
    doc.add()
    doc.add(f"Chambre particulière ({nights} nuits)            {fr_amount(rng, room)}")
    doc.add(f"Forfait journalier                  {fr_amount(rng, forfait)}")
    doc.add(f"Dépassements d'honoraires           {fr_amount(rng, fees)}")
    doc.add(f"Total à payer : {fr_amount(rng, total)}", 12, "sans-bold")
    return doc


def care_sheet(rng: random.Random) -> Doc:
    day = care_day(rng)
    total = Decimal(rng.choice(["25.00", "26.50", "30.00", "50.00"]))
    doc = Doc({"doc_type": "care_sheet", "care_type": "general_practitioner", "date": day.isoformat(), "total": f"{total:.2f}", "currency": "EUR"})
    doc.add("FEUILLE DE SOINS", 16, "sans-bold")
    doc.add("Identification du praticien", 11, "sans-bold")
    doc.add(f"Dr {person(rng)} - médecin généraliste - RPPS " + "".join(str(rng.randint(0, 9)) for _ in range(11)), 9)
    doc.add("Identification de l'assuré", 11, "sans-bold")
    doc.add(birth_line(rng))
    doc.add()
    doc.add(f"Date des soins : {fr_date(rng, day)}     Acte : G     Montant : {str(total).replace('.', ',')} €")
    doc.add(f"Montant total : {str(total).replace('.', ',')} €", 12, "sans-bold")
    doc.add("Signature du praticien : ____________", 10)
    return doc


def invoice_abroad(rng: random.Random, currency: str) -> Doc:
    day = care_day(rng)
    if currency == "JPY":
        total = Decimal(rng.randint(1500, 30000))
        shown, when, where = f"¥{total:,.0f}", rng.choice([f"{day:%Y/%m/%d}", f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"]), "Shinjuku, Tokyo, Japan"
    else:
        total = Decimal(str(round(rng.uniform(40, 2500), 2)))
        shown, when, where = f"${total:,.2f}", f"{day:%m/%d/%Y}", "350 Main Street, Boston, MA 02115, USA"
    doc = Doc({"doc_type": "invoice", "care_type": "general_practitioner", "date": day.isoformat(), "total": f"{total:.2f}", "currency": currency})
    doc.add(rng.choice(["Sakura Medical Clinic", "Harbor Family Clinic", "City Health Center"]), 15, "sans-bold")
    doc.add(where, 9)
    doc.add()
    doc.add("INVOICE", 14, "sans-bold")
    doc.add(f"Date of service: {when}")
    doc.add(f"Patient: {person(rng)}")
    doc.add()
    doc.add(f"Consultation                                  {shown}")
    doc.add(f"Total amount paid: {shown}", 12, "sans-bold")
    doc.add("Thank you", 9)
    return doc


BUILDERS = {
    "pharmacy_invoice": pharmacy_invoice,
    "prescription": prescription,
    "card_ticket": card_ticket,
    "physio_invoice": physio_invoice,
    "hospital_bulletin": hospital_bulletin,
    "care_sheet": care_sheet,
    "invoice_jpy": lambda rng: invoice_abroad(rng, "JPY"),
    "invoice_usd": lambda rng: invoice_abroad(rng, "USD"),
}


def draw_pdf(doc: Doc, path: Path, sheet=A4) -> Path:
    """Draw a document as a text-layer PDF."""
    pdf = canvas.Canvas(str(path), pagesize=sheet)
    for lines in doc.pages:
        y = sheet[1] - 60
        for text, size, font in lines:
            pdf.setFont(font, size)
            pdf.drawString(50, y, text)
            y -= size * 1.7
        pdf.showPage()
    pdf.save()
    return path


def rasterise(pdf: Path, dpi: int) -> list[np.ndarray]:
    """Grayscale rasters of every page (poppler)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), f"{tmp}/p"], check=True)
        return [cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) for p in sorted(Path(tmp).glob("p*.pgm"))]


def degrade(image: np.ndarray, variant: str, rng: random.Random) -> np.ndarray:
    """Apply one degradation."""
    from extractors.preprocess import rotate_by, rotate_quadrant

    gen = np.random.default_rng(rng.randrange(2**32))
    if variant == "skew":
        return rotate_by(image, rng.choice([-1, 1]) * rng.uniform(3, 10))
    if variant == "blur":
        return cv2.GaussianBlur(image, (0, 0), rng.uniform(1.0, 1.6))
    if variant == "noise":
        return np.clip(image.astype(np.int16) + gen.normal(0, 25, image.shape), 0, 255).astype(np.uint8)
    if variant == "low_contrast":
        return (image.astype(np.float32) / 255 * 70 + 150).astype(np.uint8)
    if variant in ("rot90", "rot180"):
        return rotate_quadrant(image, int(variant[3:]))
    return image


def write_image_pdf(images: list[np.ndarray], path: Path) -> Path:
    """An image-only PDF (a scan without text layer)."""
    out = canvas.Canvas(str(path), pagesize=A4)
    with tempfile.TemporaryDirectory() as tmp:
        for i, image in enumerate(images):
            page = Path(tmp) / f"{i}.jpg"
            cv2.imwrite(str(page), image, [cv2.IMWRITE_JPEG_QUALITY, 75])
            out.drawImage(str(page), 0, 0, width=A4[0], height=A4[1])
            out.showPage()
        out.save()
    return path


def render(doc: Doc, path: Path, fmt: str, variant: str, rng: random.Random) -> Path:
    """Write the document as pdf_text, pdf_scan, jpg or png with a variant, and its ground truth."""
    sheet = landscape(A4) if variant == "landscape" else A4
    with tempfile.TemporaryDirectory() as tmp:
        pdf = draw_pdf(doc, Path(tmp) / "doc.pdf", sheet)
        if fmt == "pdf_text":
            shutil.copy(pdf, path)
        else:
            images = [degrade(image, variant, rng) for image in rasterise(pdf, 200)]
            if fmt == "pdf_scan":
                write_image_pdf(images, path)
            else:
                params = [cv2.IMWRITE_JPEG_QUALITY, 80] if fmt == "jpg" else [cv2.IMWRITE_PNG_COMPRESSION, 9]
                cv2.imwrite(str(path), images[0], params)
    truth = {**doc.truth, "format": fmt, "variant": variant, "pages": len(doc.pages)}
    path.with_suffix(".json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


SUFFIX = {"pdf_text": ".pdf", "pdf_scan": ".pdf", "jpg": ".jpg", "png": ".png"}
REQUESTS = {
    "pharmacy": [("invoice.pdf", "pharmacy_invoice", "pdf_text", "clean"), ("ordonnance.jpg", "prescription", "jpg", "skew")],
    "physio": [("kine.pdf", "physio_invoice", "pdf_scan", "clean"), ("prescription.png", "prescription", "png", "clean")],
    "abroad-japan": [("clinic.jpg", "invoice_jpy", "jpg", "clean"), ("ticket.png", "card_ticket", "png", "clean")],
    "abroad-usa": [("pharmacy.pdf", "invoice_usd", "pdf_scan", "clean"), ("ticket.jpg", "card_ticket", "jpg", "rot90")],
    "hospital": [("bulletin.pdf", "hospital_bulletin", "pdf_text", "clean"), ("feuille-de-soins.jpg", "care_sheet", "jpg", "rot180")],
}


def build_requests(out: Path, seed: int = 2021) -> None:
    """The bundled sample requests, each with expected.json, plus a request of rejected files."""
    rng = random.Random(seed)
    for name, files in REQUESTS.items():
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        expected = {}
        for file_name, builder, fmt, variant in files:
            path = render(BUILDERS[builder](rng), folder / file_name, fmt, variant, rng)
            truth_path = path.with_suffix(".json")
            expected[file_name] = json.loads(truth_path.read_text(encoding="utf-8"))
            truth_path.unlink()
        (folder / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    build_rejects(out / "rejects", rng)


def build_rejects(folder: Path, rng: random.Random) -> None:
    """A request mixing a good ticket disguised by its name with malformed files."""
    from samples import malformed as mf

    folder.mkdir(parents=True, exist_ok=True)
    render(card_ticket(rng), folder / "ticket.png", "png", "clean", rng).rename(folder / "ticket.pdf")
    truth = json.loads((folder / "ticket.json").read_text(encoding="utf-8"))
    (folder / "ticket.json").unlink()
    mf.empty(folder / "empty.pdf")
    mf.gif(folder / "scan.gif")
    mf.truncated_pdf(folder / "truncated.pdf")
    mf.encrypted_pdf(folder / "locked.pdf")
    mf.garbage_jpeg(folder / "broken.jpg")
    render(pharmacy_invoice(rng), folder / "landscape.pdf", "pdf_text", "landscape", rng).with_suffix(".json").unlink()
    expected = {
        "ticket.pdf": truth,
        "empty.pdf": {"flags": ["empty_file"]},
        "scan.gif": {"flags": ["unsupported_format"]},
        "truncated.pdf": {"flags": ["unreadable_file"]},
        "locked.pdf": {"flags": ["encrypted_pdf"]},
        "broken.jpg": {"flags": ["unreadable_file"]},
        "landscape.pdf": {"flags": ["not_a4_portrait"]},
    }
    (folder / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def build_corpus(out: Path, seed: int, count: int) -> None:
    """`count` documents cycling through types, formats and variants."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    formats = ["pdf_text", "pdf_scan", "jpg", "png"]
    variants = ["clean", "skew", "blur", "noise", "low_contrast", "rot90", "rot180"]
    for i in range(count):
        builder = list(BUILDERS)[i % len(BUILDERS)]
        fmt = formats[(i // len(BUILDERS)) % len(formats)]
        variant = "clean" if fmt == "pdf_text" else rng.choice(variants)
        render(BUILDERS[builder](rng), out / f"doc-{seed}-{i:04d}{SUFFIX[fmt]}", fmt, variant, rng)
    print(f"wrote {count} documents to {out} (seed {seed})")


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate sample care documents with ground truth.")
    sub = parser.add_subparsers(dest="command", required=True)
    req = sub.add_parser("requests")
    req.add_argument("--out", type=Path, default=Path(__file__).parent / "requests")
    corpus = sub.add_parser("corpus")
    corpus.add_argument("--out", type=Path, required=True)
    corpus.add_argument("--seed", type=int, default=7)
    corpus.add_argument("--count", type=int, default=48)
    args = parser.parse_args()
    if args.command == "requests":
        build_requests(args.out)
    else:
        build_corpus(args.out, args.seed, args.count)


if __name__ == "__main__":
    main()
