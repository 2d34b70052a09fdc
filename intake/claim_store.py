"""The claim store: the one writer (and reader) of the claims' layout in a storage - a local folder
(`intake process --out DIR` is the store on `LocalStorage(DIR)`) or the service's bucket:

    claims/<claim_id>/originals/<name>          every received file, byte for byte (checksum verified), never overwritten
    claims/<claim_id>/claim.json                the claim (published schema)
    claims/<claim_id>/message.txt|.html         the message to the claimant, when the claim is not ready
    claims/<claim_id>/history/<name>-<time>.*   earlier versions of those three, kept when a reply re-runs the checks
    quarantine/<claim_id>/<id>-<name>           a copy of each refused file, with <id>-<name>.reason.json (codes, no
                                                content); <id> identifies the received object (earlier claims: <name>)
    claims/<claim_id>/review/<seq>.json         the review desk's audit trail (one event per action, never rewritten)
    outbox/adjudication/<claim_id>.json         a ready (or approved) claim, for adjudication
    outbox/claimant/<claim_id>/<seq>.json       a message from the review desk for the claimant (a mail gateway sends it)
    state/index/...                             fingerprints of every document received (`intake.document_index`)

Each write also updates the index (infra/index: the claim's queue row, the outbox), after the bucket:
the bucket is the truth, and a crash between the two is repaired by the next write or `intake reindex`.

Writing is idempotent: a run taken over after a crash rewrites the same keys for the same claim id and
never stores a second copy of an original it already stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from infra.index.store import ClaimIndex, ClaimRow, open_index
from infra.storage.base import NotFound, Storage, StorageError
from infra.storage.keys import InvalidKey, join, printable, safe_name, unique_name
from intake.document_index import StorageIndex
from models import Claim, ClaimStatus, RejectedFile
from models.manifest import CLAIM_ID
from models.review import ReviewEvent
from review.claim_row import row_of
from validators.claimant_message import ClaimantMessage
from validators.rules_file import Rules, load_rules

CLAIMS = "claims/"
QUARANTINE = "quarantine/"
ADJUDICATION_OUTBOX = "outbox/adjudication/"
CLAIMANT_OUTBOX = "outbox/claimant/"
VERSIONED = ("claim.json", "message.txt", "message.html")
MAX_NAME_TRIES = 1000


class CorruptCopy(StorageError):
    """A stored original does not read back as received."""

    code = "corrupt_copy"


@dataclass(frozen=True)
class ReceivedFile:
    """One file as the claimant sent it: its (already safe) name and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Quarantined:
    """Something received that is not read as a document (a file the upload rules refused, a manifest
    that does not validate, an object where none belongs, a submission the pipeline failed on): kept
    with why. `data` is None when its bytes are not read (its name cannot be a storage key, it is over
    its size cap): it stays in the inbox under `source`, recorded by reference."""

    name: str  # as received (may hold bytes that are not UTF-8: recorded escaped)
    codes: tuple[str, ...]
    data: bytes | None = None
    source: str | None = None  # its inbox key, when it came from the inbox
    messages: tuple[str, ...] = ()  # the French reasons, when there are some

    @classmethod
    def of(cls, name: str, code: str, data: bytes | None = None, source: str | None = None) -> Quarantined:
        return cls(name, (code,), data, source)

    @classmethod
    def refused(cls, refused: RejectedFile, data: bytes) -> Quarantined:
        """A file the upload rules refused, with its flags' codes and messages."""
        return cls(refused.file, tuple(f.code.value for f in refused.flags), data, None, tuple(f.message for f in refused.flags))

    def entry_name(self) -> str:
        """Its name under quarantine/<claim_id>/: 8 hex digits of what identifies this received object
        (inbox key, name, bytes) then its safe name. Two objects never share one (a reply's `scan.pdf`
        beside an earlier one, `a\\b.pdf` beside `b.pdf`), the same object always gets the same (a run
        taken over rewrites it, never adds a copy)."""
        identity = hashlib.sha256()
        for part in (self.source or "", self.name):
            identity.update(part.encode("utf-8", "surrogatepass") + b"\x00")
        identity.update(hashlib.sha256(self.data).digest() if self.data is not None else b"-")
        return f"{identity.hexdigest()[:8]}-{safe_name(self.name)}"

    def reason(self) -> bytes:
        """The reason file: one shape for every writer (names escaped, codes, no document content)."""
        reason = {
            "file": printable(self.name),
            "codes": list(self.codes),
            "messages": list(self.messages),
            "stored": self.data is not None,
            **({"inbox_key": printable(self.source)} if self.source else {}),
        }
        return json.dumps(reason, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class QuarantineEntry:
    """One refused or unreadable thing of a claim, as its reason file records it."""

    name: str  # its name under quarantine/<claim_id>/
    file: str  # its name as received (escaped)
    codes: tuple[str, ...]  # flag codes
    messages: tuple[str, ...]  # the French reasons, when recorded
    stored: bool  # its bytes are kept there (False: recorded by reference to the inbox)


def claim_prefix(claim_id: str) -> str:
    """`claims/<id>/` for a well-formed claim number (CLM-YYYYMMDD-XXXXXX); InvalidKey otherwise."""
    if not CLAIM_ID.fullmatch(claim_id or ""):
        raise InvalidKey("not a claim number (CLM-YYYYMMDD-XXXXXX)")
    return f"{CLAIMS}{claim_id}/"


def outbox_key(claim_id: str) -> str:
    """Where a claim waits for adjudication."""
    return f"{ADJUDICATION_OUTBOX}{claim_id}.json"


def message_text(message: ClaimantMessage) -> str:
    """The plain-text message file: subject, blank line, body."""
    return f"{message.subject}\n\n{message.text}"


class ClaimStore:
    """Claims in a storage: originals, versions with their history, messages, quarantine, outbox, index."""

    def __init__(self, storage: Storage, claim_index: ClaimIndex | None = None, indexed: bool = True) -> None:
        self.storage = storage
        self.index = StorageIndex(storage)
        self._claim_index, self._indexed = claim_index, indexed

    @property
    def claim_index(self) -> ClaimIndex | None:
        """The index this store keeps up to date (None: a scratch store nobody queries)."""
        if self._claim_index is None and self._indexed:
            self._claim_index = open_index(self.storage)
        return self._claim_index

    def index_claim(
        self, claim_id: str, rules: Rules | None = None, when: datetime | None = None, data: bytes | None = None
    ) -> ClaimRow | None:
        """The claim's queue row rewritten from the bucket (claim.json and its audit trail; `data`: the
        claim.json just written, not read back); None when the claim has no claim.json or the store keeps
        no index."""
        index = self.claim_index
        if index is None:
            return None
        try:
            data = data if data is not None else self.claim_bytes(claim_id)
        except NotFound:
            return None
        events = [ReviewEvent.model_validate_json(raw) for raw in self.review_events(claim_id)]
        row = row_of(data, events, rules or load_rules(), when or datetime.now(UTC))
        index.put_claim(row)
        return row

    def exists(self, claim_id: str) -> bool:
        return self.storage.exists(claim_prefix(claim_id) + "claim.json")

    def load(self, claim_id: str) -> Claim | None:
        """The claim's current version, None when there is none."""
        try:
            return Claim.model_validate_json(self.storage.get_bytes(claim_prefix(claim_id) + "claim.json"))
        except NotFound:
            return None

    def claim_bytes(self, claim_id: str) -> bytes:
        """claim.json as stored (NotFound when there is none)."""
        return self.storage.get_bytes(claim_prefix(claim_id) + "claim.json")

    def claim_ids(self) -> list[str]:
        """Every claim number with a claim.json."""
        ids = []
        for info in self.storage.list(CLAIMS):
            parts = info.key.split("/")
            if len(parts) == 3 and parts[2] == "claim.json" and CLAIM_ID.fullmatch(parts[1]):
                ids.append(parts[1])
        return ids

    def original_key(self, claim_id: str, name: str) -> str:
        return join(claim_prefix(claim_id) + "originals", name)

    def original(self, claim_id: str, name: str) -> bytes:
        """A received file, byte for byte."""
        return self.storage.get_bytes(self.original_key(claim_id, name))

    def _put_verified(self, key: str, data: bytes) -> bool:
        """Write once; False when the key already holds other bytes. What is written must read back identical."""
        if not self.storage.put_bytes(key, data, if_absent=True):
            return False
        if hashlib.sha256(self.storage.get_bytes(key)).digest() != hashlib.sha256(data).digest():
            raise CorruptCopy("a stored original does not match the received file")
        return True

    def receive(self, claim_id: str, files: Sequence[ReceivedFile], taken: Iterable[str] = ()) -> list[str]:
        """Store each received file under `originals/` and return the names they got: unique among
        themselves and clear of `taken` (the files the claim already holds), never overwriting other
        bytes (a name holding other bytes gets `-2`, `-3`...). Storing the same file again is a no-op."""
        used = {name.lower() for name in taken}
        names = []
        for received in files:
            name = unique_name(safe_name(received.name), used)
            for _ in range(MAX_NAME_TRIES):
                if self._put_verified(self.original_key(claim_id, name), received.data):
                    break
                name = unique_name(name, used)
            names.append(name)
        return names

    def quarantine(self, claim_id: str, items: Sequence[Quarantined]) -> None:
        """The one quarantine writer: each item under `quarantine/<claim_id>/<entry name>` (its bytes, when
        read) with `<entry name>.reason.json`. Entry names are per received object, so nothing received
        overwrites the reason of something received before."""
        for item in items:
            base = join(QUARANTINE + claim_id, item.entry_name())
            if item.data is not None:
                self._put_verified(base, item.data)
            self.storage.put_bytes(base + ".reason.json", item.reason(), "application/json")

    def quarantined(self, claim_id: str) -> list[QuarantineEntry]:
        """What the claim's quarantine holds, with the reasons recorded, in name order."""
        prefix = QUARANTINE + claim_prefix(claim_id)[len(CLAIMS) :]
        entries = []
        for info in self.storage.list(prefix):
            if not info.key.endswith(".reason.json"):
                continue
            name = info.key[len(prefix) : -len(".reason.json")]
            try:
                reason = json.loads(self.storage.get_bytes(info.key))
            except (NotFound, ValueError):
                continue
            entries.append(
                QuarantineEntry(
                    name=name,
                    file=str(reason.get("file", name)),
                    codes=tuple(map(str, reason.get("codes", []))),
                    messages=tuple(map(str, reason.get("messages", []))),
                    stored=self.storage.exists(prefix + name),
                )
            )
        return sorted(entries, key=lambda e: e.name)

    def quarantined_file(self, claim_id: str, name: str) -> bytes:
        """A quarantined file's bytes; NotFound unless `name` is one of the claim's quarantine entries."""
        return self.quarantined_download(claim_id, name)[1]

    def quarantined_download(self, claim_id: str, name: str) -> tuple[str, bytes]:
        """A quarantined file as a download: its safe received name and its bytes; NotFound unless `name`
        is one of the claim's stored quarantine entries."""
        entry = next((e for e in self.quarantined(claim_id) if e.name == name and e.stored), None)
        if entry is None:
            raise NotFound(name)
        return safe_name(entry.file), self.storage.get_bytes(join(QUARANTINE + claim_id, name))

    def _keep_history(self, claim_id: str, when: datetime) -> None:
        """Move the current claim.json and messages to `history/` (copied there, then the messages removed:
        a claim now ready has no message)."""
        prefix = claim_prefix(claim_id)
        stamp = when.strftime("%Y%m%dT%H%M%S%fZ")
        for name in VERSIONED:
            if self.storage.exists(prefix + name):
                stem, _, extension = name.rpartition(".")
                self.storage.copy(prefix + name, f"{prefix}history/{stem}-{stamp}.{extension}")
                if name != "claim.json":
                    self.storage.delete(prefix + name)

    def write(self, claim: Claim, message: ClaimantMessage | None, when: datetime) -> None:
        """A new version of the claim: earlier versions to history, claim.json, the message when there is
        one, and the outbox as its status says (`sync_outbox`)."""
        prefix = claim_prefix(claim.claim_id)
        self._keep_history(claim.claim_id, when)
        data = claim.model_dump_json(indent=2).encode("utf-8")
        self.storage.put_bytes(prefix + "claim.json", data, "application/json")
        if message is not None:
            self.storage.put_bytes(prefix + "message.txt", message_text(message).encode("utf-8"), "text/plain; charset=utf-8")
            self.storage.put_bytes(prefix + "message.html", message.html.encode("utf-8"), "text/html; charset=utf-8")
        self.sync_outbox(claim)
        self.index_claim(claim.claim_id, when=when, data=data)

    def sync_outbox(self, claim: Claim) -> None:
        """The adjudication outbox follows the claim's status: a ready claim's latest version is there, a
        claim no longer ready (a reply or a manager made it `needs_review` or `rejected`) leaves it before
        any delivery."""
        if claim.status is ClaimStatus.READY:
            self.write_outbox(claim)
        else:
            self.storage.delete(outbox_key(claim.claim_id))
            if self.claim_index is not None:
                self.claim_index.outbox_removed(claim.claim_id)

    def write_outbox(self, claim: Claim) -> str:
        """The claim JSON in the adjudication outbox (a newer version of the claim replaces the older one)."""
        key = outbox_key(claim.claim_id)
        self.storage.put_bytes(key, claim.model_dump_json(indent=2).encode("utf-8"), "application/json")
        if self.claim_index is not None:
            self.claim_index.outbox_written(claim.claim_id, datetime.now(UTC))
        return key

    def write_claimant_message(self, claim_id: str, seq: int, payload: dict[str, str]) -> str:
        """A message for the claimant (from the review desk), numbered by the audit event that wrote it."""
        key = f"{CLAIMANT_OUTBOX}{claim_id}/{seq:06d}.json"
        self.storage.put_bytes(key, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"), "application/json")
        return key

    def review_key(self, claim_id: str, seq: int) -> str:
        return f"{claim_prefix(claim_id)}review/{seq:06d}.json"

    def review_events(self, claim_id: str) -> list[bytes]:
        """The audit trail's events as stored, in key (= sequence) order."""
        prefix = claim_prefix(claim_id) + "review/"
        return [self.storage.get_bytes(info.key) for info in self.storage.list(prefix) if info.key.endswith(".json")]

    def append_review_event(self, claim_id: str, seq: int, payload: bytes) -> bool:
        """Add event `seq` to the audit trail; False when that place is already taken (a concurrent action)."""
        return self.storage.put_bytes(self.review_key(claim_id, seq), payload, "application/json", if_absent=True)
