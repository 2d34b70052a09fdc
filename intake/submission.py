"""One inbox submission (an extranet upload, an e-mail, or an object where none was expected) turned
into a received request, processed as any request (`intake.request.process_request`) and marked done.

Nothing a stranger puts in the inbox stops the service or is skipped: a manifest that does not
validate is quarantined and the files are read without it (`invalid_manifest`); an object whose name
cannot be a storage key is recorded in quarantine by reference and the rest is read (`invalid_name`);
an unexpected object, an e-mail that cannot be parsed, or a failure of the pipeline itself ends as a
rejected claim with its reason (`unexpected_object`, `processing_failed`); a submission that has
killed its workers `MAX_ATTEMPTS` times is not read again (`processing_failed`). Only a failure of the
storage itself propagates (it is retried: the marker's lease lapses and a later pass resumes).
The inbox objects are never altered or deleted."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from infra.storage.base import InvalidKey, ObjectInfo, Storage, StorageError
from infra.storage.keys import safe_name, unique_name
from intake.claim_store import ClaimStore, Quarantined, ReceivedFile
from intake.declaration import DeclarationError, parse_manifest, request_language
from intake.declaration_wording import Problem, worded
from intake.email_request import MAX_PARTS, parse_email
from intake.inbox import EMAIL, MANIFEST, UNEXPECTED, Marker, Submission, finish
from intake.request import Clock, Received, process_request, utc_now
from intake.stages import PLAIN, Stages
from models import Claim, Flag, FlagCode
from models.claim import ReceivedMessage
from models.manifest import Channel, Manifest
from validators.flag_wording import make_flag
from validators.rules_file import Rules, load_rules

log = logging.getLogger(__name__)
MIB = 1024 * 1024
MAX_FILE_BYTES = 32 * MIB  # an uploaded object larger than this is not even read (the upload rule is 3 MiB)
MAX_MANIFEST_BYTES = 64 * 1024  # a declaration is a few hundred bytes
MAX_EMAIL_BYTES = 48 * MIB  # 10 attachments of 3 MiB, base64-encoded (x 4/3), with room for the text and headers


@dataclass
class _Unpacked:
    """What could be read of a submission, and what could not (quarantined, flagged)."""

    files: list[ReceivedFile] = field(default_factory=list)
    manifest: Manifest | None = None
    flags: list[Flag] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)


def _file_name(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def _read_extranet(storage: Storage, submission: Submission) -> _Unpacked:
    unpacked, taken = _Unpacked(), set[str]()
    for info in submission.objects:
        if _too_large(unpacked, info):
            continue
        try:
            data = storage.get_bytes(info.key)
        except InvalidKey:
            unpacked.quarantined.append(Quarantined.of(_file_name(info.key), FlagCode.INVALID_NAME.value, source=info.key))
            continue
        if info.key.endswith("/" + MANIFEST):
            _take_manifest(unpacked, data, info.key)
        else:
            unpacked.files.append(ReceivedFile(unique_name(safe_name(_file_name(info.key)), taken), data))
    unusable = sum(FlagCode.INVALID_NAME.value in q.codes for q in unpacked.quarantined)
    if unusable:
        unpacked.flags.append(make_flag(FlagCode.INVALID_NAME, count=unusable))
    return unpacked


def _too_large(unpacked: _Unpacked, info: ObjectInfo) -> bool:
    """An object over its size cap is not read (its size comes from the listing): recorded in quarantine
    by reference and flagged."""
    manifest = info.key.endswith("/" + MANIFEST)
    if info.size <= (MAX_MANIFEST_BYTES if manifest else MAX_FILE_BYTES):
        return False
    name = _file_name(info.key)
    code = FlagCode.INVALID_MANIFEST if manifest else FlagCode.FILE_TOO_LARGE
    unpacked.quarantined.append(Quarantined.of(name, code.value, source=info.key))
    if manifest:
        unpacked.flags.append(_manifest_flag(safe_name(name), (("", "too_large"),)))
    else:
        reason = f"{info.size // 1024} Ko, au-delà de la limite : non lu"
        unpacked.flags.append(make_flag(code, file=safe_name(name), reason=reason))
    return True


def _manifest_flag(file: str, problems: tuple[Problem, ...]) -> Flag:
    """`invalid_manifest`, the declaration's problems worded in its two messages."""
    return make_flag(FlagCode.INVALID_MANIFEST, file=file, reason_fr=worded(problems, "fr"), reason_en=worded(problems, "en"))


def _take_manifest(unpacked: _Unpacked, data: bytes, source: str) -> None:
    try:
        unpacked.manifest = parse_manifest(data)
    except DeclarationError as error:
        unpacked.quarantined.append(Quarantined(MANIFEST, (FlagCode.INVALID_MANIFEST.value,), data, source, (error.message,)))
        unpacked.flags.append(_manifest_flag(MANIFEST, error.problems))


def _extranet(storage: Storage, submission: Submission, claim_id: str) -> Received:
    unpacked = _read_extranet(storage, submission)
    manifest = unpacked.manifest
    return Received(
        claim_id,
        tuple(unpacked.files),
        manifest,
        manifest.claim_id if manifest else None,
        request_language(manifest),
        Channel.EXTRANET,
        tuple(unpacked.flags),
        tuple(unpacked.quarantined),
    )


def _email(storage: Storage, submission: Submission, claim_id: str) -> Received:
    request = parse_email(storage.get_bytes(submission.objects[0].key))
    files = tuple(request.attachments)
    message = ReceivedMessage.of(request.sender_name, request.sender_address, request.subject, request.body)
    flags = (
        (
            make_flag(
                FlagCode.FILE_TOO_LARGE,
                variant="email_parts",
                file=safe_name(submission.name),
                max_parts=MAX_PARTS,
                details={"cause": "parts"},
            ),
        )
        if request.parts_unread
        else ()
    )
    return Received(
        claim_id,
        files,
        None,
        request.quoted_claim,
        request_language(None, request.subject, request.body),
        Channel.EMAIL,
        flags=flags,
        message=message,
    )


def receive_submission(storage: Storage, submission: Submission, claim_id: str) -> Received:
    """The submission as a received request (an e-mail unpacked into its attachments)."""
    if submission.channel == UNEXPECTED:
        return _refused(storage, submission, claim_id, make_flag(FlagCode.UNEXPECTED_OBJECT))
    if submission.channel == EMAIL and submission.objects[0].size > MAX_EMAIL_BYTES:
        reason = f"message de {submission.objects[0].size // MIB} Mo, au-delà de {MAX_EMAIL_BYTES // MIB} Mo : non lu"
        flag = make_flag(FlagCode.FILE_TOO_LARGE, file=safe_name(submission.name), reason=reason)
        return Received(
            claim_id,
            (),
            flags=(flag,),
            channel=Channel.EMAIL,
            quarantined=(Quarantined.of(submission.name, flag.code.value, source=submission.objects[0].key),),
        )
    if submission.channel == EMAIL:
        try:
            return _email(storage, submission, claim_id)
        except InvalidKey:  # a name that cannot be a key, a link (local storage): recorded by reference
            return _refused(storage, submission, claim_id, make_flag(FlagCode.INVALID_NAME, count=1))
    return _extranet(storage, submission, claim_id)


def _refused(storage: Storage, submission: Submission, claim_id: str, flag: Flag) -> Received:
    """A submission that cannot be read as a request: each object it holds quarantined (or, when its
    name cannot be a key, recorded by reference), and a claim with no document and the reason."""
    quarantined = []
    for info in submission.objects:
        if info.size > MAX_FILE_BYTES:
            quarantined.append(Quarantined.of(_file_name(info.key), FlagCode.FILE_TOO_LARGE.value, source=info.key))
            continue
        try:
            quarantined.append(Quarantined.of(_file_name(info.key), flag.code.value, storage.get_bytes(info.key), info.key))
        except InvalidKey:
            quarantined.append(Quarantined.of(_file_name(info.key), FlagCode.INVALID_NAME.value, source=info.key))
    return Received(claim_id, (), flags=(flag,), quarantined=tuple(quarantined))


def _joined(received: Received, submission: Submission, marker: Marker) -> Received:
    """A late part of a done submission joins the submission's claim (as a reply does)."""
    return replace(received, quoted=marker.claim_id) if submission.after else received


def _failed(storage: Storage, submission: Submission, marker: Marker, rules: Rules, clock: Clock, error: str) -> Claim:
    """A submission the pipeline could not process, or that killed its workers: a rejected claim
    holding its objects in quarantine, for a manager."""
    received = _refused(storage, submission, marker.claim_id, make_flag(FlagCode.PROCESSING_FAILED, error=error))
    return process_request(_joined(received, submission, marker), ClaimStore(storage), rules, clock)


def process_submission(
    storage: Storage,
    submission: Submission,
    marker: Marker,
    rules: Rules | None = None,
    clock: Clock = utc_now,
    stages: Stages = PLAIN,
) -> Claim:
    """Read, check and write one submission's claim (a reply joins the claim it quotes), then mark it
    done. Never raises for what the submission holds; only a failing storage propagates."""
    rules = rules or load_rules()
    if marker.exhausted:
        claim = _failed(storage, submission, marker, rules, clock, f"{marker.attempts - 1} worker(s) stopped on it")
    else:
        claim = _process_isolated(storage, submission, marker, rules, clock, stages)
    finish(storage, submission, marker, clock())
    return claim


def _process_isolated(
    storage: Storage, submission: Submission, marker: Marker, rules: Rules, clock: Clock, stages: Stages
) -> Claim:
    try:
        received = _joined(receive_submission(storage, submission, marker.claim_id), submission, marker)
        return process_request(received, ClaimStore(storage), rules, clock, stages)
    except StorageError:
        raise
    except Exception as error:  # the isolation boundary: one bad submission costs only its own claim
        log.warning("submission for claim %s failed (%s): kept as a rejected claim", marker.claim_id, type(error).__name__)
        return _failed(storage, submission, marker, rules, clock, type(error).__name__)
