"""A request received by e-mail (a raw `.eml`): its attached files are the request's files, its subject
and body may quote the claim number it answers. Pure parsing with the standard library, no I/O.

Every attachment is kept, whatever its type (the upload rules refuse and account for what is not
PDF/JPG/PNG); inline parts without a file name (signature logos, the HTML body) are not documents.
Names come from strangers: each is made safe and unique within the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html import unescape

from infra.storage.keys import safe_name, unique_name
from models.manifest import quoted_claim_id


@dataclass(frozen=True)
class Attachment:
    """One attached file: a safe, unique name, its bytes and the type the sender declared."""

    name: str
    data: bytes
    declared_type: str


@dataclass(frozen=True)
class EmailRequest:
    """What a received e-mail brings to intake."""

    subject: str
    body: str
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)

    @property
    def quoted_claim(self) -> str | None:
        """The claim number the message quotes (subject first, then body)."""
        return quoted_claim_id(self.subject) or quoted_claim_id(self.body)


def safe_attachment_name(name: str | None, index: int) -> str:
    """A safe file name (`infra.storage.keys.safe_name`); `attachment-N` when the part has none."""
    return safe_name(name) if name and name.strip() else f"attachment-{index}"


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_type() == "text/html":
        text = unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(text.split())


def parse_email(raw: bytes) -> EmailRequest:
    """The subject, plain-text body and attachments of a raw e-mail."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    taken: set[str] = set()
    attachments = []
    for index, part in enumerate(message.iter_attachments(), start=1):
        filename = part.get_filename()
        if filename is None and part.get_content_disposition() != "attachment":
            continue  # an inline logo or alternative body, not a document
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        name = unique_name(safe_attachment_name(filename, index), taken)
        attachments.append(Attachment(name=name, data=data, declared_type=part.get_content_type()))
    return EmailRequest(subject=str(message.get("subject", "") or ""), body=_body_text(message), attachments=tuple(attachments))
