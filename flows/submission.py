"""One inbox submission through intake, on the storage (local folder or S3): its files read, the claim
made (or the quoted claim completed), and everything written where the operators look:

    claims/<claim_id>/originals/<name>     every received file, byte for byte (checksum verified)
    claims/<claim_id>/claim.json           the claim (published schema)
    claims/<claim_id>/message.txt|.html    the message to the claimant, when the claim is not ready
    quarantine/<claim_id>/<name>           a copy of each refused file, with <name>.reason.json
    outbox/adjudication/<claim_id>.json    a ready claim, for adjudication
    state/index/by-sha/..., by-key/...     fingerprints of every document received (duplicates)

The inbox objects are never altered or deleted. Writing is idempotent: a run taken over after a crash
rewrites the same keys for the same claim id.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flows import pipeline
from flows.declaration import message_languages
from flows.email_request import parse_email
from flows.handoff import write_outbox
from flows.inbox import EMAIL, MANIFEST, Marker, Submission
from infra.storage.base import NotFound, Storage
from infra.storage.keys import join, safe_name, unique_name
from models import Claim, ClaimStatus, Document
from models.manifest import Channel, Manifest
from validators.claim_checks import CheckContext
from validators.claimant_message import claimant_message
from validators.duplicates import Seen, content_key, fingerprint
from validators.rules_file import Rules, load_rules
from validators.upload import check_uploads

INDEX = "state/index/"


class CorruptCopy(OSError):
    """A stored original does not read back as received."""


@dataclass(frozen=True)
class Received:
    """A submission's files on local disk (for the readers), its declaration and quoted claim."""

    paths: list[Path]
    manifest: Manifest | None
    quoted: str | None
    language: str


def _download(storage: Storage, submission: Submission, folder: Path) -> Received:
    """The submission's files in `folder` (safe, unique names); an e-mail is unpacked into its attachments."""
    if submission.channel == EMAIL:
        request = parse_email(storage.get_bytes(submission.objects[0].key))
        paths = []
        for attachment in request.attachments:
            path = folder / attachment.name
            path.write_bytes(attachment.data)
            paths.append(path)
        from flows.declaration import guess_language

        return Received(paths, None, request.quoted_claim, guess_language(f"{request.subject} {request.body}"))
    paths, manifest, taken = [], None, set()
    for info in submission.objects:
        data = storage.get_bytes(info.key)
        if info.key.endswith("/" + MANIFEST):
            manifest = Manifest.model_validate_json(data)
            continue
        path = folder / unique_name(safe_name(info.key.rsplit("/", 1)[-1]), taken)
        path.write_bytes(data)
        paths.append(path)
    return Received(paths, manifest, manifest.claim_id if manifest else None, manifest.language if manifest else "fr")


class StorageIndex:
    """Documents received so far, for `duplicate_document`: one small object per document, filed twice
    so that a new document only reads the entries that could match it (not the whole history):

        state/index/by-sha/<sha256>/<pages>-<part>.json          same bytes
        state/index/by-key/<hash of date|total|currency|beneficiary>/<sha256>-<pages>-<part>.json
                                                                  same content key (near-identical candidates)
    """

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @staticmethod
    def _folders(document: Document) -> list[str]:
        folders = [f"{INDEX}by-sha/{document.sha256}/"]
        key = content_key(document)
        if key:
            folders.append(f"{INDEX}by-key/{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}/")
        return folders

    def seen_for(self, documents: Sequence[Document]) -> list[Seen]:
        """The earlier documents that share bytes or content key with one of `documents`."""
        found: dict[str, Seen] = {}
        for folder in sorted({f for d in documents for f in self._folders(d)}):
            for info in self.storage.list(folder):
                raw = json.loads(self.storage.get_bytes(info.key))
                seen = Seen(raw["claim_id"], raw["file"], raw["sha256"], tuple(raw["phashes"]), raw.get("key", ""))
                found.setdefault(f"{seen.claim_id}/{seen.file}/{seen.sha256}", seen)
        return list(found.values())

    def record(self, claim_id: str, documents: Sequence[Document]) -> None:
        for document in documents:
            seen = fingerprint(claim_id, document)
            body = json.dumps({"claim_id": seen.claim_id, "file": seen.file, "sha256": seen.sha256,
                               "phashes": list(seen.phashes), "key": seen.key}).encode("utf-8")
            name = f"{len(document.pages)}-{document.part or 0}.json"
            for folder in self._folders(document):
                entry = name if "/by-sha/" in folder else f"{document.sha256}-{name}"
                self.storage.put_bytes(folder + entry, body, "application/json", if_absent=True)


def _rename_clear_of(paths: list[Path], taken: set[str]) -> None:
    """A reply's files renamed where the claim already holds a file of that name (nothing is overwritten)."""
    taken = {name.lower() for name in taken}
    for i, path in enumerate(paths):
        name = unique_name(path.name, taken)
        if name != path.name:
            paths[i] = path.rename(path.with_name(name))


def _store_original(storage: Storage, key: str, data: bytes) -> None:
    """Write a received file once; it must read back identical (never overwritten, never altered)."""
    storage.put_bytes(key, data, if_absent=True)
    if hashlib.sha256(storage.get_bytes(key)).digest() != hashlib.sha256(data).digest():
        raise CorruptCopy("a stored original does not match the received file")


def _load_claim(storage: Storage, claim_id: str) -> Claim | None:
    try:
        return Claim.model_validate_json(storage.get_bytes(f"claims/{claim_id}/claim.json"))
    except NotFound:
        return None


def _read(paths: list[Path]) -> tuple:
    report = check_uploads(paths)
    outcomes = pipeline.read_all_pages(report.accepted)
    return report, pipeline.documents_from_pages(report.accepted, outcomes)


def _write(storage: Storage, claim: Claim, paths: list[Path], report, rules: Rules, language: str) -> None:
    base = f"claims/{claim.claim_id}/"
    for path in paths:
        _store_original(storage, join(base + "originals", path.name), path.read_bytes())
    for rejected in report.rejected:
        source = next(p for p in paths if p.name == rejected.file)
        _store_original(storage, join(f"quarantine/{claim.claim_id}", rejected.file), source.read_bytes())
        reason = {"file": rejected.file, "codes": [f.code.value for f in rejected.flags], "messages": [f.message for f in rejected.flags]}
        storage.put_bytes(join(f"quarantine/{claim.claim_id}", rejected.file + ".reason.json"), json.dumps(reason, ensure_ascii=False).encode("utf-8"))
    storage.put_bytes(base + "claim.json", claim.model_dump_json(indent=2).encode("utf-8"), "application/json")
    message = claimant_message(claim, rules, message_languages(language))
    if message is not None:
        storage.put_bytes(base + "message.txt", f"{message.subject}\n\n{message.text}".encode(), "text/plain; charset=utf-8")
        storage.put_bytes(base + "message.html", message.html.encode("utf-8"), "text/html; charset=utf-8")
    if claim.status is ClaimStatus.READY:
        write_outbox(storage, claim)


def process_submission(storage: Storage, submission: Submission, marker: Marker, rules: Rules | None = None,
                       now: datetime | None = None) -> Claim:
    """Read, check and write one submission's claim (a reply joins the claim it quotes)."""
    now = now or datetime.now(UTC)
    rules = rules or load_rules()
    with tempfile.TemporaryDirectory(prefix="intake-") as tmp:
        received = _download(storage, submission, Path(tmp))
        previous = _load_claim(storage, received.quoted) if received.quoted else None
        claim_id = previous.claim_id if previous else marker.claim_id
        if previous is not None:
            _rename_clear_of(received.paths, {d.file for d in previous.documents} | {r.file for r in previous.rejected_files})
        report, documents = _read(received.paths)
        index = StorageIndex(storage)
        context = CheckContext(rules=rules, today=now.date(), manifest=received.manifest, earlier=tuple(index.seen_for(documents)),
                               quoted_claim=received.quoted)
        claim = pipeline.build_claim(claim_id, report, documents, now, context, previous)
        channel = previous.channel if previous is not None and previous.channel else Channel(submission.channel)
        claim = claim.model_copy(update={"channel": channel})
        _write(storage, claim, received.paths, report, rules, received.language)
        index.record(claim.claim_id, claim.documents)
    return claim
