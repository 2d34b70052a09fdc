"""One request through intake, whatever brought it (the command line, the extranet, an e-mail): its
files stored as originals, read, checked, and the claim written to the claim store - or, for a reply
quoting a claim on file, that claim completed and checked again. The command line, the service and
the tests all call `process_request`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from intake.claim_store import ClaimStore, Quarantined, ReceivedFile
from intake.declaration import message_languages
from intake.pipeline import build_claim
from intake.stages import PLAIN, Stages
from models import Claim, Flag
from models.claim import ReceivedMessage
from models.manifest import Channel, Manifest
from validators.claim_checks import CheckContext
from validators.claimant_message import claimant_message
from validators.rules_file import Rules

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Received:
    """A request as received: its files, what the claimant declared, the claim number it quotes, the
    claimant's language, the channel, and the claim number a new claim gets."""

    claim_id: str
    files: tuple[ReceivedFile, ...]
    manifest: Manifest | None = None
    quoted: str | None = None
    language: str = "fr"
    channel: Channel | None = None
    flags: tuple[Flag, ...] = ()  # what went wrong on receiving it (an invalid manifest, unusable names...)
    quarantined: tuple[Quarantined, ...] = ()  # what was received but is not read as a document
    message: ReceivedMessage | None = None  # the e-mail it came in: sender, subject, text (kept with the claim)


def _names_on_file(claim: Claim | None) -> set[str]:
    if claim is None:
        return set()
    return {d.file for d in claim.documents} | {r.file for r in claim.rejected_files}


def _working_copies(names: list[str], files: tuple[ReceivedFile, ...], folder: Path) -> list[Path]:
    """The received files as local files named as stored (the readers take paths)."""
    paths = []
    for name, received in zip(names, files, strict=True):
        path = folder / name
        path.write_bytes(received.data)
        paths.append(path)
    return paths


def process_request(received: Received, store: ClaimStore, rules: Rules, clock: Clock = utc_now, stages: Stages = PLAIN) -> Claim:
    """Store, read, check and write one request's claim (a reply joins the claim it quotes)."""
    now = clock()
    previous = store.load(received.quoted) if received.quoted else None
    claim_id = previous.claim_id if previous else received.claim_id
    names = store.receive(claim_id, received.files, taken=_names_on_file(previous))
    with tempfile.TemporaryDirectory(prefix="intake-") as folder:
        report = stages.check_uploads(_working_copies(names, received.files, Path(folder)))
        documents = stages.build_documents(report.accepted, stages.read_pages(report.accepted))
    context = CheckContext(
        rules=rules,
        today=now.date(),
        manifest=received.manifest,
        earlier=tuple(store.index.seen_for(documents)),
        quoted_claim=received.quoted,
    )
    claim = build_claim(claim_id, report, documents, now, context, previous, received.flags)
    channel = previous.channel if previous is not None and previous.channel else received.channel
    message = received.message or (previous.received_message if previous is not None else None)
    claim = claim.model_copy(update={"channel": channel, "received_message": message})
    stored = {n: f.data for n, f in zip(names, received.files, strict=True)}
    store.quarantine(claim_id, [*(Quarantined.refused(r, stored[r.file]) for r in report.rejected), *received.quarantined])
    store.write(claim, claimant_message(claim, rules, message_languages(received.language)), now)
    store.index.record(claim.claim_id, claim.documents)
    return claim
