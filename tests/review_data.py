"""Claims for the review desk's tests: sample requests dropped in a local storage's inbox and processed
by the service's own pass (real OCR, real checks), so the desk is tested on claims as the service writes
them."""

from __future__ import annotations

import shutil
from pathlib import Path

from infra.storage import LocalStorage
from intake.service_pass import run_pass
from review.accounts import Account, Role, hash_password

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "requests"
REQUESTS = ("missing-prescription", "pharmacy", "abroad-usa")
PASSWORDS = {"marie": "marie-manager-pw", "olivier": "olivier-operator-pw", "paul": "paul-manager-pw"}


def accounts() -> dict[str, Account]:
    """Two managers and an operator."""
    return {"marie": Account("marie", Role.MANAGER, hash_password(PASSWORDS["marie"])),
            "paul": Account("paul", Role.MANAGER, hash_password(PASSWORDS["paul"])),
            "olivier": Account("olivier", Role.OPERATOR, hash_password(PASSWORDS["olivier"]))}


def build_storage(root: Path, requests: tuple[str, ...] = REQUESTS) -> LocalStorage:
    """A local storage holding the processed claims of `requests` (sample request folders)."""
    for name in requests:
        target = root / "inbox" / "extranet" / name
        target.mkdir(parents=True)
        files = sorted(p for p in (SAMPLES / name).iterdir() if p.name not in ("expected.json", "claim.expected.json"))
        for path in [p for p in files if p.name != "manifest.json"] + [p for p in files if p.name == "manifest.json"]:
            shutil.copyfile(path, target / path.name)
        if not (target / "manifest.json").exists():
            (target / "manifest.json").write_text("{}")
    storage = LocalStorage(root)
    run_pass(storage)
    return storage
