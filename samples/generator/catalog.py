"""Medical content of the fake documents: medicines and their prices, posologies, acts and their fees,
reasons for a hospital stay, foreign clinic items. Prices are plausible, not official tariffs."""

from __future__ import annotations

import random
from decimal import Decimal

# (label, low price, high price) - French pharmacy products; the last ones are not reimbursable (hygiene)
MEDICINES = [
    ("Doliprane 1000 mg cp B/8", 1.9, 2.5),
    ("Amoxicilline Biogaran 1 g cp B/6", 4.5, 6.5),
    ("Spasfon lyoc 80 mg B/10", 3.9, 4.8),
    ("Ibuprofène Arrow 400 mg B/30", 2.2, 3.4),
    ("Smecta 3 g sachets B/30", 3.6, 4.6),
    ("Ventoline 100 µg inhal.", 4.2, 5.1),
    ("Levothyrox 75 µg B/90", 6.8, 9.5),
    ("Kardégic 75 mg sachets B/30", 2.4, 3.1),
    ("Gaviscon susp. buv. fl 250 ml", 4.1, 6.2),
    ("Augmentin 1 g/125 mg sachets B/8", 7.5, 9.9),
    ("Efferalgan 500 mg cp eff. B/16", 1.9, 2.6),
    ("Inexium 20 mg B/28", 6.2, 8.7),
    ("Metformine Zentiva 850 mg B/90", 4.7, 6.4),
    ("Atorvastatine Teva 20 mg B/90", 11.5, 18.9),
    ("Xyzall 5 mg cp B/28", 5.9, 7.4),
    ("Voltarène Emulgel 1 % tube 100 g", 6.4, 9.8),
    ("Dafalgan codéiné cp B/16", 2.9, 3.8),
    ("Lamaline gél. B/30", 3.9, 4.9),
    ("Seretide Diskus 250/50", 32.0, 41.0),
    ("Lovenox 4000 UI seringues B/10", 38.0, 52.0),
    ("Humira 40 mg stylo", 480.0, 720.0),
]
NOT_COVERED = [
    ("Crème hydratante 200 ml (NR)", 6.9, 14.9),
    ("Sérum physiologique unidoses B/40 (NR)", 2.9, 4.5),
    ("Gel douche surgras 500 ml (NR)", 4.5, 9.9),
]
POSOLOGIES = [
    "1 comprimé matin, midi et soir pendant {d} jours",
    "1 comprimé 3 fois par jour si douleur, sans dépasser 3 g/jour",
    "1 sachet 2 fois par jour pendant {d} jours",
    "2 bouffées en cas de gêne respiratoire",
    "1 comprimé le matin à jeun",
    "1 application 2 fois par jour sur la zone douloureuse",
    "1 comprimé le soir au coucher",
    "1 injection sous-cutanée par jour pendant {d} jours",
]
DURATIONS = ["QSP 1 mois", "QSP 3 mois", "À renouveler 2 fois", "QSP {d} jours", "Non substituable", ""]
PHYSIO_ACTS = [
    ("AMK 7,5", "16.13"),
    ("AMS 7,5", "17.03"),
    ("AMK 8", "17.20"),
    ("AMS 9,5", "20.43"),
    ("RAM 8,1", "17.50"),
    ("AMC 8,5", "18.36"),
]
PHYSIO_REASONS = [
    "rééducation du genou droit",
    "lombalgie chronique",
    "rééducation post-opératoire de l'épaule",
    "entorse de la cheville gauche",
    "cervicalgie",
    "rééducation respiratoire",
]
GP_ACTS = [
    ("G", "Consultation", "25.00"),
    ("G", "Consultation", "26.50"),
    ("G", "Consultation", "30.00"),
    ("GS", "Consultation", "30.00"),
    ("VG", "Visite à domicile", "30.00"),
    ("APC", "Avis ponctuel de consultant", "55.00"),
]
GP_EXTRAS = [
    ("MEG", "Majoration enfant", "5.00"),
    ("MD", "Majoration déplacement", "10.00"),
    ("DEQP003", "Électrocardiogramme", "14.52"),
    ("F", "Majoration de nuit", "19.06"),
    ("MU", "Majoration d'urgence", "22.60"),
]
HOSPITAL_REASONS = [
    "Intervention chirurgicale programmée",
    "Appendicectomie",
    "Fracture du poignet",
    "Accouchement",
    "Pneumopathie",
    "Cholécystectomie",
    "Pose de prothèse de hanche",
    "Surveillance post-opératoire",
]
JP_ITEMS = [
    ("Initial consultation", 2820, 3500),
    ("Re-consultation", 730, 1200),
    ("Blood test", 1500, 4800),
    ("X-ray examination", 2100, 5200),
    ("Medication (7 days)", 800, 3600),
    ("Injection", 900, 2500),
]
US_ITEMS = [
    ("Office visit, established patient", 95.0, 240.0),
    ("Amoxicillin 500 mg caps #21", 12.0, 38.0),
    ("Rapid strep test", 25.0, 65.0),
    ("Lab panel (CBC)", 35.0, 140.0),
    ("Ibuprofen 600 mg tabs #30", 8.0, 22.0),
    ("Urgent care visit level 3", 180.0, 420.0),
    ("X-ray, wrist 2 views", 120.0, 380.0),
]


def price(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.2f}")


def pharmacy_lines(rng: random.Random, count: int, hygiene: bool = True) -> list[tuple[str, int, Decimal]]:
    """(label, quantity, unit price) of products, distinct while the catalogue lasts."""
    pool = rng.sample(MEDICINES, min(count, len(MEDICINES)))
    pool += rng.choices(MEDICINES, k=count - len(pool))
    if hygiene and rng.random() < 0.25:
        pool[-1] = rng.choice(NOT_COVERED)
    return [(label, rng.choice([1, 1, 1, 2, 3]), price(rng, low, high)) for label, low, high in pool]


def posology(rng: random.Random) -> str:
    return rng.choice(POSOLOGIES).format(d=rng.choice([3, 5, 6, 7, 10, 14]))


def duration(rng: random.Random) -> str:
    return rng.choice(DURATIONS).format(d=rng.choice([7, 10, 15, 30]))
