"""A claim's folder on local disk (`intake process --out DIR`): `DIR/<claim_id>/` holds the received
originals (copied, checksum verified, never altered or overwritten), `claim.json`, the claimant
message (`message.txt`, `message.html`) and `history/` (earlier versions of those, kept when a reply
re-runs the checks). `DIR/_index/documents.jsonl` lists every document received, for duplicates.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from infra.storage.keys import safe_name, unique_name
from models import Claim
from validators.claimant_message import ClaimantMessage
from validators.duplicates import JsonLinesIndex
from validators.upload import sha256_of

INDEX = Path("_index") / "documents.jsonl"


class CopyError(OSError):
    """A received file could not be copied intact."""


class ClaimFolder:
    """One claim's folder under the output root."""

    def __init__(self, root: Path, claim_id: str) -> None:
        self.root = root
        self.path = root / claim_id
        self.originals = self.path / "originals"

    @property
    def claim_file(self) -> Path:
        return self.path / "claim.json"

    def exists(self) -> bool:
        return self.claim_file.is_file()

    def load(self) -> Claim:
        return Claim.model_validate_json(self.claim_file.read_text(encoding="utf-8"))

    def index(self) -> JsonLinesIndex:
        return JsonLinesIndex(self.root / INDEX)

    def _free_name(self, name: str, taken: set[str]) -> Path:
        return self.originals / unique_name(safe_name(name), taken)

    def receive(self, sources: list[Path]) -> list[Path]:
        """Copy the received files in (new names where a name is taken); each copy's checksum verified."""
        self.originals.mkdir(parents=True, exist_ok=True)
        taken = {p.name.lower() for p in self.originals.iterdir()}
        copies = []
        for source in sources:
            target = self._free_name(source.name, taken)
            shutil.copyfile(source, target)
            if sha256_of(target) != sha256_of(source):
                raise CopyError(f"copy of a received file does not match its source ({target.name})")
            target.chmod(0o444)
            copies.append(target)
        return copies

    def _keep_history(self, name: str) -> None:
        current = self.path / name
        if current.exists():
            history = self.path / "history"
            history.mkdir(exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            current.rename(history / f"{current.stem}-{stamp}{current.suffix}")

    def write(self, claim: Claim, message: ClaimantMessage | None) -> Path:
        """Write claim.json and the message (earlier versions move to history/); returns claim.json."""
        self.path.mkdir(parents=True, exist_ok=True)
        for name in ("claim.json", "message.txt", "message.html"):
            self._keep_history(name)
        self.claim_file.write_text(claim.model_dump_json(indent=2), encoding="utf-8")
        if message is not None:
            (self.path / "message.txt").write_text(f"{message.subject}\n\n{message.text}", encoding="utf-8")
            (self.path / "message.html").write_text(message.html, encoding="utf-8")
        return self.claim_file
