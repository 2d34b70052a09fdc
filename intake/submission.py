"""One inbox submission (an extranet upload or an e-mail) turned into a received request, then
processed as any request (`intake.request.process_request`) and marked done. The inbox objects are
never altered or deleted."""

from __future__ import annotations

from infra.storage.base import Storage
from infra.storage.keys import safe_name, unique_name
from intake.claim_store import ClaimStore, ReceivedFile
from intake.declaration import parse_manifest, request_language
from intake.email_request import parse_email
from intake.inbox import EMAIL, MANIFEST, Marker, Submission, finish
from intake.request import Clock, Received, process_request, utc_now
from intake.stages import PLAIN, Stages
from models import Claim
from models.manifest import Channel
from validators.rules_file import Rules, load_rules


def _email(storage: Storage, submission: Submission, claim_id: str) -> Received:
    request = parse_email(storage.get_bytes(submission.objects[0].key))
    files = tuple(ReceivedFile(a.name, a.data) for a in request.attachments)
    return Received(claim_id, files, None, request.quoted_claim, request_language(None, request.subject, request.body), Channel.EMAIL)


def _extranet(storage: Storage, submission: Submission, claim_id: str) -> Received:
    files, manifest, taken = [], None, set[str]()
    for info in submission.objects:
        data = storage.get_bytes(info.key)
        if info.key.endswith("/" + MANIFEST):
            manifest = parse_manifest(data)
        else:
            files.append(ReceivedFile(unique_name(safe_name(info.key.rsplit("/", 1)[-1]), taken), data))
    quoted = manifest.claim_id if manifest else None
    return Received(claim_id, tuple(files), manifest, quoted, request_language(manifest), Channel.EXTRANET)


def receive_submission(storage: Storage, submission: Submission, claim_id: str) -> Received:
    """The submission as a received request (an e-mail unpacked into its attachments)."""
    reader = _email if submission.channel == EMAIL else _extranet
    return reader(storage, submission, claim_id)


def process_submission(storage: Storage, submission: Submission, marker: Marker, rules: Rules | None = None,
                       clock: Clock = utc_now, stages: Stages = PLAIN) -> Claim:
    """Read, check and write one submission's claim (a reply joins the claim it quotes), then mark it done."""
    received = receive_submission(storage, submission, marker.claim_id)
    claim = process_request(received, ClaimStore(storage), rules or load_rules(), clock, stages)
    finish(storage, submission, marker, clock())
    return claim
