"""What a manager does to a claim, each action one audit event plus its effect on the storage:

    correct a field / change a document's type -> labels/corrections/<claim_id>/<seq>.json (a labelled example)
    ask the claimant for proofs               -> outbox/claimant/<claim_id>/<seq>.json (a mail gateway sends it)
    approve                                   -> outbox/adjudication/<claim_id>.json (the claim with its review)
    reject                                    -> outbox/claimant/<claim_id>/<seq>.json (the reason, for the claimant)

After each action the claim's row in the index (the queue's) is rewritten from the claim as reviewed;
a claim page repairs a row left behind by a crash between the two writes (`Desk.read`). A decision
(approve, reject, ask for proofs) is also told to `on_decision` when the desk was given one (the
`intake review` command passes flows/decisions.py's, which tells Prefect): after it is recorded, with the
claim number, the action and the claim's status - never the reason or the message.

Only managers act; a decided claim is closed. A correction to the value already there is `Unchanged`
(nothing recorded). Values are checked (review/field_values.py) before
anything is written, and no text is longer than MAX_TEXT characters (a reason, a note, a message, a
corrected value: BadRequest("too_long")). No claimant data goes to the logs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from infra.storage.base import Storage
from intake.declaration import message_languages, request_language
from models import Claim, ClaimStatus, DocType, Document, Severity
from models.errors import InputError, IntakeError
from models.review import ReviewAction, ReviewEvent
from review.accounts import Account
from review.apply import document_key, keyed_flags
from review.field_values import InvalidValue, normalised
from review.store import ClaimRecord, ReviewStore
from validators.claimant_message import claimant_message, rejection_message
from validators.rules_file import Rules

log = logging.getLogger(__name__)
LABELS = "labels/corrections/"
MAX_TEXT = 2000  # a reason, a note, a message, a corrected value (characters)


class NotAllowed(IntakeError, PermissionError):
    """The account may not do that (an operator), or the claim is closed (decided)."""

    code = "not_allowed"


class Unchanged(InputError, ValueError):
    """The value given is the one the claim already has: nothing is recorded."""

    code = "unchanged"


class BadRequest(InputError, ValueError):
    """The action refers to nothing on the claim, or lacks what it needs (a reason, a message)."""

    code = "bad_request"


def blocking_flags(record: ClaimRecord) -> list[str]:
    """The keys of the claim's open flags that block it (severity error), as reviewed (dismissed ones gone)."""
    return [key for key, flag in keyed_flags(record.current) if flag.severity is Severity.ERROR]


def claimant_language(claim: Claim) -> str:
    """The language to write to the claimant in: declared on the form, else the one of the e-mail the
    request came in, French when neither tells."""
    message = claim.received_message
    return request_language(claim.declared, message.subject if message else None, message.text if message else None)


def _utcnow() -> datetime:
    return datetime.now(UTC)


# told of each decision once it is recorded: (claim number, action, the claim's status as reviewed)
DecisionListener = Callable[[str, ReviewAction, ClaimStatus], None]


def _check_field_name(field: str) -> None:
    """BadRequest unless `field` could name a field (letters, digits, underscores)."""
    if not field or not field.replace("_", "").isalnum():
        raise BadRequest("unknown_field")


class Desk:
    """The review actions over one storage."""

    def __init__(
        self,
        storage: Storage,
        rules: Rules,
        clock: Callable[[], datetime] = _utcnow,
        on_decision: DecisionListener | None = None,
    ) -> None:
        self.storage, self.rules, self.store, self._clock = storage, rules, ReviewStore(storage, rules), clock
        self.on_decision = on_decision

    def _decided(self, record: ClaimRecord, action: ReviewAction) -> None:
        """Tell the listener (a failing listener never undoes or fails a recorded decision)."""
        if self.on_decision is None:
            return
        try:
            self.on_decision(record.machine.claim_id, action, record.current.status)
        except Exception as error:  # the decision is on file; only its announcement was lost
            log.warning("decision on claim %s not announced (%s)", record.machine.claim_id, type(error).__name__)

    # -- reading -------------------------------------------------------------------------------
    def load(self, claim_id: str) -> ClaimRecord:
        return self.store.load(claim_id)

    def read(self, claim_id: str) -> ClaimRecord:
        """The claim as a claim page shows it, its index row repaired when stale (or missing)."""
        return self.store.load_indexed(claim_id, self._clock())

    def neighbours(self, claim_id: str, view: str = "to_review") -> tuple[str | None, str | None]:
        """The claims before and after this one in the view, oldest first; the view's first claim as the
        next one when this claim is not (or no longer) in the view."""
        return self.store.index.neighbours(claim_id, view)

    def draft_request(self, record: ClaimRecord, both: bool = False) -> tuple[str, str]:
        """(subject, text) of the message asking for what the flags say is missing (editable), in the
        claimant's language (declared, else their e-mail's; French when unknown) - the other language after
        it only on request (`both`) - whatever the desk's language; the text "" when the flags leave nothing
        to ask (no draft "please check the following" over an empty list), the subject still theirs."""
        claim = record.current
        if claim.status is ClaimStatus.READY:
            claim = claim.model_copy(update={"status": ClaimStatus.NEEDS_REVIEW})
        message = claimant_message(claim, self.rules, message_languages(claimant_language(claim), both))
        if message is None:
            return "", ""
        return message.subject, message.text if message.items else ""

    # -- acting --------------------------------------------------------------------------------
    def _open(self, who: Account, claim_id: str, *texts: str) -> ClaimRecord:
        if any(len(text) > MAX_TEXT for text in texts):
            raise BadRequest("too_long")
        if not who.can_review:
            raise NotAllowed("read_only")
        record = self.store.load(claim_id)
        if record.decided:
            raise NotAllowed("claim_closed")
        return record

    def _event(self, who: Account, action: ReviewAction, **values: str | None) -> ReviewEvent:
        return ReviewEvent(seq=0, action=action, by=who.name, at=self._clock(), claim_version="", **values)

    def _append(self, claim_id: str, version: str, event: ReviewEvent) -> ClaimRecord:
        """Record one action; the adjudication outbox and the claim's index row follow the reviewed claim."""
        updated = self.store.append(claim_id, version, event)
        self.store.claims.sync_outbox(updated.current)
        self.store.index_record(updated, event.at)
        return updated

    def _document(self, record: ClaimRecord, key: str) -> Document:
        for document in record.current.documents:
            if document_key(document) == key:
                return document
        raise BadRequest("unknown_document")

    def correct_field(self, who: Account, claim_id: str, version: str, document: str, field: str, value: str) -> ClaimRecord:
        record = self._open(who, claim_id, document, field, value)
        current = self._document(record, document)
        _check_field_name(field)
        new = normalised(field, value)
        old = current.fields.get(field)
        if old is not None and old.value == new:
            raise Unchanged(field)
        return self._corrected(who, claim_id, version, document, [(field, old.value if old else None, new)])

    def _corrected(
        self, who: Account, claim_id: str, version: str, document: str, changes: list[tuple[str, str | None, str]]
    ) -> ClaimRecord:
        """One correction event per (field, before, after), each recorded on the version the previous wrote;
        Unchanged when there is none."""
        if not changes:
            raise Unchanged("fields")
        for field, before, after in changes:
            event = self._event(who, ReviewAction.CORRECT_FIELD, document=document, field=field, before=before, after=after)
            updated = self._append(claim_id, version, event)
            version = updated.version
            self._label(updated, updated.events[-1])
        return updated

    def correct_fields(self, who: Account, claim_id: str, version: str, document: str, values: Mapping[str, str]) -> ClaimRecord:
        """Several fields of one document corrected at once (the document's one form): every value checked
        first (the first that does not fit raises InvalidValue naming its field, and nothing is recorded),
        then one correction event per value that changed. A field left empty that the document does not
        have is not a change; derived values (`*_eur`, computed from the ECB rate) are never taken."""
        record = self._open(who, claim_id, document, *values.keys(), *values.values())
        current = self._document(record, document)
        changes: list[tuple[str, str | None, str]] = []
        for field, value in values.items():
            _check_field_name(field)
            old = current.fields.get(field)
            if field.endswith("_eur") or (old is None and not value.strip()):
                continue
            try:
                new = normalised(field, value)
            except InvalidValue as error:
                error.field, error.value = field, value
                raise
            if old is None or old.value != new:
                changes.append((field, old.value if old else None, new))
        return self._corrected(who, claim_id, version, document, changes)

    def set_doc_type(self, who: Account, claim_id: str, version: str, document: str, doc_type: str) -> ClaimRecord:
        record = self._open(who, claim_id)
        current = self._document(record, document)
        try:
            new = DocType(doc_type).value
        except ValueError:
            raise BadRequest("unknown_doc_type") from None
        if new == current.doc_type.value:
            raise Unchanged("doc_type")
        event = self._event(who, ReviewAction.SET_DOC_TYPE, document=document, before=current.doc_type.value, after=new)
        updated = self._append(claim_id, version, event)
        self._label(updated, updated.events[-1])
        return updated

    def dismiss_flag(self, who: Account, claim_id: str, version: str, flag_key: str, reason: str) -> ClaimRecord:
        record = self._open(who, claim_id, flag_key, reason)
        flags = dict(keyed_flags(record.current))
        if flag_key not in flags:
            raise BadRequest("unknown_flag")
        if not reason.strip():
            raise BadRequest("reason_required")
        flag = flags[flag_key]
        event = self._event(who, ReviewAction.DISMISS_FLAG, flag=flag_key, before=flag.message, reason=reason.strip())
        return self._append(claim_id, version, event)

    def request_proofs(self, who: Account, claim_id: str, version: str, subject: str, text: str) -> ClaimRecord:
        self._open(who, claim_id, subject, text)
        if not text.strip() or not subject.strip():
            raise BadRequest("message_required")
        event = self._event(who, ReviewAction.REQUEST_PROOFS, reason=text.strip())
        updated = self._append(claim_id, version, event)
        self._to_claimant(updated, "request_proofs", subject.strip(), text.strip())
        self._decided(updated, ReviewAction.REQUEST_PROOFS)
        return updated

    def approve(self, who: Account, claim_id: str, version: str, note: str = "", confirm: str = "") -> ClaimRecord:
        """Approve the claim. Over an open blocking flag (severity error: a file or the claim cannot be used
        as it is) only with the manager's explicit confirmation (`confirm` = "yes") and a reason: the audit
        event keeps both the reason and the keys of the flags approved over."""
        record = self._open(who, claim_id, note, confirm)
        blocking = blocking_flags(record)
        if blocking and (confirm != "yes" or not note.strip()):
            raise BadRequest("blocking_flags")
        event = self._event(who, ReviewAction.APPROVE, reason=note.strip() or None, flag="\n".join(blocking) or None)
        updated = self._append(claim_id, version, event)
        log.info("claim approved on the review desk: %s", claim_id)
        self._decided(updated, ReviewAction.APPROVE)
        return updated

    def reject(self, who: Account, claim_id: str, version: str, reason: str) -> ClaimRecord:
        self._open(who, claim_id, reason)
        if not reason.strip():
            raise BadRequest("reason_required")
        updated = self._append(claim_id, version, self._event(who, ReviewAction.REJECT, reason=reason.strip()))
        subject, text = rejection_message(claim_id, reason.strip(), claimant_language(updated.current))
        self._to_claimant(updated, "rejection", subject, text)
        log.info("claim rejected on the review desk: %s", claim_id)
        self._decided(updated, ReviewAction.REJECT)
        return updated

    # -- effects -------------------------------------------------------------------------------
    def _to_claimant(self, record: ClaimRecord, kind: str, subject: str, text: str) -> None:
        event = record.events[-1]
        payload = {
            "claim_id": record.machine.claim_id,
            "kind": kind,
            "subject": subject,
            "text": text,
            "written_at": event.at.isoformat(),
            "by": event.by,
        }
        self.store.claims.write_claimant_message(record.machine.claim_id, event.seq, payload)

    def _label(self, record: ClaimRecord, event: ReviewEvent) -> None:
        """The correction as a labelled example the extraction benchmark reads (bench/corrections.py)."""
        machine = next(d for d in record.machine.documents if document_key(d) == event.document)
        field = machine.fields.get(event.field) if event.field else None
        label = {
            "claim_id": record.machine.claim_id,
            "document": event.document,
            "file": machine.file,
            "part": machine.part,
            "sha256": machine.sha256,
            "original": self.store.claims.original_key(record.machine.claim_id, machine.file),
            "field": event.field or "doc_type",
            "machine_doc_type": machine.doc_type.value,
            "machine_value": field.value if field else (machine.doc_type.value if not event.field else None),
            "machine_raw": field.raw if field else None,
            "machine_confidence": field.confidence if field else None,
            "page": field.page if field else None,
            "bbox": field.bbox.model_dump() if field and field.bbox else None,
            "corrected_value": event.after,
            "by": event.by,
            "at": event.at.isoformat(),
            "seq": event.seq,
        }
        key = f"{LABELS}{record.machine.claim_id}/{event.seq:06d}.json"
        self.storage.put_bytes(key, json.dumps(label, ensure_ascii=False, indent=1).encode("utf-8"), "application/json")
