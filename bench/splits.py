"""The validation split of every labelled set: a part to develop on and a part only scored.

Rule (written down here and nowhere else): a document of set S with id D is in the scored part when

    int(sha256(f"{S}/{B}".encode("utf-8")).hexdigest(), 16) % 5 == 0

and in the develop part otherwise - about 20 % scored. S is the set's folder name (`sroie-dev`,
`sroie-train`, `einvoice-dev`, `corpus-seed9001`...), D the file name without its extension
(`sroie-042`, `einv-0b4e9b42d9-scan`), and B is D without a trailing `-scan`: a scanned variant
(`einv-X-scan.jpg`) falls in the same part as its original (`einv-X.pdf`). The set name is part of
the hash, so two sets with the same ids are split independently. The split depends on nothing else
(not the order, the number of files or the machine): adding a document never moves another one.

Develop on the develop part (read its errors, tune rules against it); the scored part is only
scored: its figures are the ones that count for the goals. `bench/accuracy.py DIR --list-part
scored` prints which documents are held out.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

Part = Literal["develop", "scored"]
PARTS: tuple[Part, ...] = ("develop", "scored")
SCORED_ONE_IN = 5  # 1 document in 5 (20 %) is only scored
VARIANT_SUFFIXES = ("-scan",)


def original_id(doc_id: str) -> str:
    """The id of the document a variant was made from (`einv-X-scan` -> `einv-X`); others unchanged."""
    for suffix in VARIANT_SUFFIXES:
        if doc_id.endswith(suffix):
            return doc_id.removesuffix(suffix)
    return doc_id


def part_of(set_name: str, doc_id: str) -> Part:
    """The part of document `doc_id` (file name without extension) of set `set_name` (its folder's
    name): "scored" when sha256("<set>/<original id>") as an integer is divisible by 5, else "develop"."""
    key = f"{set_name}/{original_id(doc_id)}".encode()
    return "scored" if int(hashlib.sha256(key).hexdigest(), 16) % SCORED_ONE_IN == 0 else "develop"


def part_of_path(path: Path, set_name: str | None = None) -> Part:
    """The part of a document file; its set is its folder's name unless given."""
    return part_of(set_name or path.resolve().parent.name, path.stem)
