"""Words OCR cut in two or ran together in a name row, mended against a lexicon.

Letter-spaced capitals in a header are read with a space too many or too few: "CABINET DE KINESITH ERAPIE",
"PHARMACIE LEMOINE ET SANCH EZ", "PHARMACIECENTRALE", "DocteurJuliette Robin". The lexicon is the
vocabulary of the spaCy model the parties already load (fr_core_news_sm's `vocab/strings.json`: words and
names of its news corpus, accents and case folded), read from the package's files - never the live
`StringStore`, which grows with every text the pipeline reads.

Two repairs, each only where the lexicon speaks for it and against the row as read:
- **a word cut in two**: two neighbouring pieces, at least one of them no word, that make a word together
  ("KINESITH ERAPIE" -> "KINESITHERAPIE"); two words never join ("DE LA" stays).
- **a kind of establishment or a title run into the next word**: a piece that is no word and starts with one
  of parties.toml's establishment words or practitioner titles, the rest a word of four letters or more
  ("PHARMACIECENTRALE" -> "PHARMACIE CENTRALE"). Only after such a word: splitting any unknown word into two
  known ones would cut English and Malay compound names apart ("STATIONERY", "PARTNERS", "BOOKCENTRE"),
  which a French lexicon does not know.
- **a first name run into a surname in capitals**, in a person's name only: "AnaïsSANCHEZ" -> "Anaïs SANCHEZ"
  (a text layer that places the two words apart without a space between them); "McDONALD", "LeBLANC" - two
  letters before the capitals - are left alone.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from extractors.data_files import fold
from extractors.keywords import PARTIES

MODEL_PACKAGE = "fr_core_news_sm"
MIN_REST = 4  # the letters of the word after an establishment word or title, at least
FIRST_NAME_THEN_SURNAME = re.compile(r"^([A-ZÀ-Ý][a-zà-ÿ]{2,}(?:-[A-ZÀ-Ý][a-zà-ÿ]+)*)([A-ZÀ-Ý]{2,}(?:[-'][A-ZÀ-Ý]+)*)$")


@cache
def lexicon() -> frozenset[str]:
    """The model's vocabulary, folded (empty when spaCy or the model is missing: nothing is mended)."""
    try:
        from spacy.util import get_package_path

        strings = next(Path(get_package_path(MODEL_PACKAGE)).glob("*/vocab/strings.json"))
        words = json.loads(strings.read_text(encoding="utf-8"))
    except Exception:
        return frozenset()
    return frozenset(fold(word) for word in words if len(word) >= 2 and word.isalpha())


@cache
def _openers() -> tuple[str, ...]:
    """The one-word establishment kinds and practitioner titles, folded, longest first."""
    words = {fold(w) for w in (*PARTIES.issuer.establishments, *PARTIES.practitioner.titles) if w.isalpha() and len(w) >= 3}
    return tuple(sorted(words, key=len, reverse=True))


def _known(word: str) -> bool:
    return fold(word) in lexicon()


def _joinable(left: str, right: str) -> bool:
    """Two pieces of one word: letters only, the second not capitalised unless both are capitals, at
    least one no word, and together a word."""
    if not (left.isalpha() and right.isalpha()) or (right[0].isupper() and not (left.isupper() and right.isupper())):
        return False
    return not (_known(left) and _known(right)) and _known(left + right)


def _split(piece: str) -> str | None:
    """The piece cut after the establishment word or title it starts with, or None."""
    if not piece.isalpha() or _known(piece):
        return None
    folded = fold(piece)
    for opener in _openers():
        rest = piece[len(opener) :]
        if folded.startswith(opener) and len(rest) >= MIN_REST and _known(rest):
            return f"{piece[: len(opener)]} {rest}"
    return None


def mend_words(name: str, person: bool = False) -> str:
    """The name with its cut and run-together words mended (unchanged when nothing needs it); a person's
    name also has a first name run into its surname in capitals parted."""
    if person:
        name = " ".join(FIRST_NAME_THEN_SURNAME.sub(r"\1 \2", piece) for piece in name.split(" "))
    if not lexicon():
        return name
    pieces = name.split(" ")
    mended: list[str] = []
    i = 0
    while i < len(pieces):
        if i + 1 < len(pieces) and _joinable(pieces[i], pieces[i + 1]):
            mended.append(pieces[i] + pieces[i + 1])
            i += 2
            continue
        mended.append(_split(pieces[i]) or pieces[i])
        i += 1
    return " ".join(mended)
