"""Duplicate documents: a file identical (sha256) or near-identical (perceptual hash of its pages) to
one already received, in this request or an earlier one. Earlier documents come from an index of
received documents (`DocumentIndex`; kept in the storage by `intake.document_index.StorageIndex`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from extractors.data_files import fold
from models import Document, Flag, FlagCode
from validators.flag_wording import make_flag

HEX_BITS = 4


@dataclass(frozen=True)
class Seen:
    """One document already received: where, and its fingerprints."""

    claim_id: str
    file: str
    sha256: str
    phashes: tuple[str, ...]
    key: str = ""  # date|total|currency read on it: near-identical pages must also say the same thing

    def to_json(self) -> bytes:
        """The index entry (fingerprints only)."""
        return json.dumps(
            {"claim_id": self.claim_id, "file": self.file, "sha256": self.sha256, "phashes": list(self.phashes), "key": self.key}
        ).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | str) -> Seen:
        raw = json.loads(data)
        return cls(raw["claim_id"], raw["file"], raw["sha256"], tuple(raw.get("phashes", ())), raw.get("key", ""))


class DocumentIndex(Protocol):
    """Documents received so far, across claims."""

    def seen_for(self, documents: Sequence[Document]) -> list[Seen]:
        """The earlier documents that could match one of `documents` (same bytes or same content key)."""
        ...

    def record(self, claim_id: str, documents: Sequence[Document]) -> None: ...


def hamming(a: str, b: str) -> int:
    """Differing bits between two hex hashes of equal length."""
    return bin(int(a, 16) ^ int(b, 16)).count("1") if len(a) == len(b) else len(a) * HEX_BITS


def page_hashes(document: Document) -> tuple[str, ...]:
    return tuple(phash for p in document.pages if (phash := p.phash))


KEY_FIELDS = ("date", "total", "currency", "beneficiary")


def content_key(document: Document) -> str:
    """What the document says in a few fields (the beneficiary's name case- and accent-folded); empty
    when it names neither an amount nor a beneficiary: a date alone does not tell two proofs apart (two
    patients' prescriptions from one doctor on one day look alike and carry the same date)."""
    values = [document.fields[name].value if name in document.fields else "" for name in KEY_FIELDS]
    values[3] = " ".join(fold(values[3]).split())
    return "|".join(values) if values[1] or values[3] else ""


def fingerprint(claim_id: str, document: Document) -> Seen:
    return Seen(claim_id, document.file, document.sha256, page_hashes(document), content_key(document))


def matches(document: Document, earlier: Seen, max_distance: int) -> str | None:
    """'identical' / 'near-identical' when the document repeats an earlier one, else None. Near-identical
    needs both look-alike pages (perceptual hashes: white pages of text all look alike to them) and the
    same date, total and currency read on them (a new photo or scan of the same proof)."""
    if document.sha256 == earlier.sha256:
        return "identical"
    key = content_key(document)
    if not key or key != earlier.key:
        return None
    mine = page_hashes(document)
    same_length = bool(mine) and len(mine) == len(earlier.phashes)
    if same_length and all(hamming(a, b) <= max_distance for a, b in zip(mine, earlier.phashes, strict=True)):
        return "near-identical"
    return None


def _flag(document: Document, earlier: Seen, how: str, same_claim: bool) -> Flag:
    variant = f"{how.replace('-', '_')}_{'same' if same_claim else 'earlier'}_claim"
    return make_flag(
        FlagCode.DUPLICATE_DOCUMENT,
        file=document.file,
        variant=variant,
        details={"earlier_claim_id": earlier.claim_id, "earlier_file": earlier.file, "match": how},
    )


def duplicate_flags(claim_id: str, documents: Sequence[Document], earlier: Iterable[Seen], max_distance: int) -> list[Flag]:
    """One flag per document repeating an earlier one (earlier claims first, then earlier files of
    this request). Parts of one file (several proofs in a PDF) are not duplicates of each other."""
    history = [s for s in earlier if s.claim_id != claim_id]
    flags: list[Flag] = []
    received: list[Seen] = []
    for document in documents:
        candidates = [(s, False) for s in history] + [(s, True) for s in received if s.file != document.file]
        for seen, same_claim in candidates:
            how = matches(document, seen, max_distance)
            if how:
                flags.append(_flag(document, seen, how, same_claim))
                break
        received.append(fingerprint(claim_id, document))
    return flags
