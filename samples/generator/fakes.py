"""Fake people, places, shops and practitioner/establishment identifiers (all invented, seeded).

Identifiers carry valid check digits (python-stdnum / Luhn) so that a validator can test them:
NIR (13 digits + 2-digit key, consistent with sex and birth date), SIRET (14, Luhn), FINESS (9, Luhn),
RPPS (11, Luhn), ADELI (9, Luhn). Phone numbers use fictional ranges where they exist (US 555-01xx).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from stdnum import iban as iban_check
from stdnum import luhn
from stdnum.fr import nir as nir_check

FIRST_F = [
    "Claire",
    "Sophie",
    "Nathalie",
    "Léa",
    "Inès",
    "Camille",
    "Chloé",
    "Manon",
    "Élodie",
    "Juliette",
    "Aurélie",
    "Sandrine",
    "Hélène",
    "Zoé",
    "Anaïs",
    "Margaux",
    "Fatima",
    "Amélie",
    "Véronique",
    "Océane",
    "Maëlys",
    "Brigitte",
]
FIRST_M = [
    "Julien",
    "Karim",
    "Thomas",
    "Mathieu",
    "Hugo",
    "Nicolas",
    "François",
    "Jérôme",
    "Loïc",
    "Benoît",
    "Stéphane",
    "Antoine",
    "Mehdi",
    "Yannick",
    "Guillaume",
    "Cédric",
    "Raphaël",
    "Théo",
    "Noé",
    "Gaël",
    "Olivier",
    "Sébastien",
]
LAST = [
    "Dubois",
    "Martin",
    "Bernard",
    "Moreau",
    "Laurent",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Lefèvre",
    "Mercier",
    "Bonnet",
    "Lambert",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gauthier",
    "Perrin",
    "Morel",
    "Girard",
    "André",
    "Lemoine",
    "Roussel",
    "Meunier",
    "Boyer",
    "Caron",
    "Benali",
    "Nguyen",
    "Da Silva",
    "Le Goff",
    "Kerboul",
    "Duval",
    "Brunet",
    "Picard",
    "Leroy",
    "Marchand",
    "Hoarau",
    "Besnard",
    "Texier",
]
STREETS = [
    "rue des Lilas",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "place de la République",
    "rue Pasteur",
    "allée des Tilleuls",
    "rue du Général de Gaulle",
    "chemin des Vignes",
    "rue Émile Zola",
    "cours Gambetta",
    "avenue de la Libération",
    "rue Nationale",
    "impasse des Érables",
    "quai Saint-Antoine",
    "rue de la Gare",
    "boulevard des Belges",
    "rue Sainte-Catherine",
    "route de Lyon",
    "rue du Faubourg",
    "place du Marché",
]
CITIES = [
    ("69003", "Lyon", "04"),
    ("75011", "Paris", "01"),
    ("13006", "Marseille", "04"),
    ("31000", "Toulouse", "05"),
    ("44000", "Nantes", "02"),
    ("67000", "Strasbourg", "03"),
    ("33000", "Bordeaux", "05"),
    ("59000", "Lille", "03"),
    ("35000", "Rennes", "02"),
    ("06000", "Nice", "04"),
    ("34000", "Montpellier", "04"),
    ("21000", "Dijon", "03"),
    ("37000", "Tours", "02"),
    ("63000", "Clermont-Ferrand", "04"),
    ("29200", "Brest", "02"),
    ("87000", "Limoges", "05"),
    ("74000", "Annecy", "04"),
    ("57000", "Metz", "03"),
    ("92100", "Boulogne-Billancourt", "01"),
    ("97400", "Saint-Denis", "02"),
]
PHARMACY_NAMES = [
    "Pharmacie des Tilleuls",
    "Pharmacie du Marché",
    "Pharmacie Centrale",
    "Pharmacie de la Gare",
    "Grande Pharmacie de {city}",
    "Pharmacie {last}",
    "Pharmacie du Centre",
    "Pharmacie de l'Hôtel de Ville",
    "Pharmacie des Arcades",
    "Pharmacie Saint-{first}",
    "Pharmacie du Parc",
    "Pharmacie {last} et {last2}",
]
HOSPITAL_NAMES = [
    "Centre Hospitalier de {city}",
    "CHU de {city}",
    "Clinique Saint-{first}",
    "Clinique des Cèdres",
    "Hôpital privé {last}",
    "Polyclinique du Parc",
    "Clinique du Val de {city}",
    "Groupe hospitalier {last}",
]
JP_CLINICS = [
    "Sakura Medical Clinic",
    "Aoyama Family Clinic",
    "Shinjuku International Clinic",
    "Minato Health Center",
    "Kyoto Central Clinic",
    "Umeda Medical Office",
    "Tokyo Bay Clinic",
    "Hikari Internal Medicine",
]
JP_PLACES = [
    ("Shinjuku-ku", "Tokyo", "160"),
    ("Minato-ku", "Tokyo", "106"),
    ("Kita-ku", "Osaka", "530"),
    ("Nakagyo-ku", "Kyoto", "604"),
    ("Naka-ku", "Yokohama", "231"),
    ("Chuo-ku", "Sapporo", "060"),
]
US_CLINICS = [
    "Harbor Family Clinic",
    "Maple Street Pharmacy",
    "Riverside Urgent Care",
    "Pinecrest Medical Group",
    "Lakeview Drugstore",
    "Sunset Walk-In Clinic",
    "Greenway Pharmacy",
    "Bayside Health Partners",
]
US_PLACES = [
    ("Boston", "MA", "021"),
    ("San Francisco", "CA", "941"),
    ("Austin", "TX", "787"),
    ("Chicago", "IL", "606"),
    ("Seattle", "WA", "981"),
    ("Miami", "FL", "331"),
    ("Denver", "CO", "802"),
    ("New York", "NY", "100"),
]
EN_FIRST = ["John", "Emily", "Michael", "Sarah", "David", "Laura", "James", "Megan", "Robert", "Hannah", "Kenji", "Yuki"]
EN_LAST = ["Smith", "Johnson", "Miller", "Brown", "Davis", "Wilson", "Tanaka", "Suzuki", "Sato", "Anderson", "Clark"]
US_STREETS = ["Main Street", "Oak Avenue", "Washington Blvd", "Elm Street", "Park Avenue", "Sunset Drive", "Lake Road"]


@dataclass(frozen=True)
class Person:
    """A fake person: names, sex and birth date."""

    first: str
    last: str
    sex: int  # 1 male, 2 female (NIR convention)
    born: date

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def title(self) -> str:
        return "M." if self.sex == 1 else "Mme"


@dataclass(frozen=True)
class Address:
    """A postal address split into printable lines."""

    street: str
    city_line: str
    city: str
    phone: str
    department: str


def digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def person(rng: random.Random, born_from: int = 1940, born_to: int = 2018) -> Person:
    sex = rng.choice([1, 2])
    first = rng.choice(FIRST_M if sex == 1 else FIRST_F)
    start = date(born_from, 1, 1)
    born = start + timedelta(days=rng.randrange((date(born_to, 12, 31) - start).days))
    return Person(first, rng.choice(LAST), sex, born)


def english_person(rng: random.Random) -> Person:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(24000))
    return Person(rng.choice(EN_FIRST), rng.choice(EN_LAST), rng.choice([1, 2]), born)


def fr_phone(rng: random.Random, prefix: str) -> str:
    pairs = [prefix] + [f"{rng.randrange(100):02d}" for _ in range(4)]
    return rng.choice([" ".join(pairs), ".".join(pairs), "+33 " + prefix[1] + " " + " ".join(pairs[1:])])


def fr_address(rng: random.Random) -> Address:
    postcode, city, prefix = rng.choice(CITIES)
    number = f"{rng.randint(1, 180)}{rng.choice(['', '', '', ' bis', ' ter'])}"
    return Address(
        f"{number} {rng.choice(STREETS)}",
        f"{postcode} {city.upper() if rng.random() < 0.4 else city}",
        city,
        fr_phone(rng, prefix),
        postcode[:2],
    )


def jp_address(rng: random.Random) -> Address:
    ward, city, zip3 = rng.choice(JP_PLACES)
    street = f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)} {rng.choice(['Nishi-', 'Higashi-', '', 'Minami-'])}{ward.split('-')[0]}"
    phone = f"{rng.choice(['03', '06', '075', '045'])}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    return Address(street, f"{ward}, {city} {zip3}-{rng.randint(0, 9999):04d}, Japan", city, phone, "")


def us_address(rng: random.Random) -> Address:
    city, state, zip3 = rng.choice(US_PLACES)
    phone = f"({rng.randint(201, 989)}) 555-01{rng.randint(0, 99):02d}"
    return Address(
        f"{rng.randint(10, 9800)} {rng.choice(US_STREETS)}", f"{city}, {state} {zip3}{rng.randint(10, 99)}", city, phone, ""
    )


def shop_name(rng: random.Random, patterns: list[str], address: Address) -> str:
    return rng.choice(patterns).format(
        city=address.city, last=rng.choice(LAST), last2=rng.choice(LAST), first=rng.choice(FIRST_M + FIRST_F)
    )


def luhn_number(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + digits(rng, length - 1 - len(prefix))
    return body + luhn.calc_check_digit(body)


def siret(rng: random.Random) -> str:
    siren = luhn_number(rng, str(rng.randint(3, 9)), 9)
    body = siren + "00" + digits(rng, 2)
    return body + luhn.calc_check_digit(body)


def finess(rng: random.Random, department: str = "") -> str:
    return luhn_number(rng, (department or f"{rng.randint(1, 95):02d}") + "0", 9)


def rpps(rng: random.Random) -> str:
    return luhn_number(rng, "10", 11)


def adeli(rng: random.Random, department: str, profession: str = "71") -> str:
    return luhn_number(rng, (department or "75") + profession, 9)


def nir(rng: random.Random, who: Person) -> str:
    """A NIR (15 characters: 13 digits + key) consistent with the person's sex and birth date."""
    body = f"{who.sex}{who.born:%y}{who.born:%m}{rng.randint(1, 95):02d}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    return body + nir_check.calc_check_digits(body)


def spaced_nir(number: str) -> str:
    return f"{number[0]} {number[1:3]} {number[3:5]} {number[5:7]} {number[7:10]} {number[10:13]} {number[13:]}"


def group_digits(number: str, size: int = 3) -> str:
    return " ".join(number[i : i + size] for i in range(0, len(number), size))


def rib_key(bank: str, branch: str, account: str) -> str:
    """The 2-digit French RIB key of a bank code (5), branch code (5) and all-digit account number (11)."""
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


def fr_iban(rng: random.Random, bank: str) -> tuple[str, str, str, str]:
    """A French IBAN (compact: FR + 2 check digits + bank + branch + account + RIB key), valid at both levels,
    with its branch code, account number and RIB key."""
    branch, account = digits(rng, 5), digits(rng, 11)
    key = rib_key(bank, branch, account)
    bban = bank + branch + account + key
    return "FR" + iban_check.calc_check_digits(f"FR00{bban}") + bban, branch, account, key


def spaced_iban(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
