"""A request received by e-mail (a raw `.eml`): its attached files are the request's files, its subject
and body may quote the claim number it answers. Pure parsing with the standard library, no I/O.

Every attachment is kept, whatever its type (the upload rules refuse and account for what is not
PDF/JPG/PNG), wherever it sits in the message (nested multiparts, a forwarded message); inline parts
without a file name (signature logos, the HTML body) are not documents. Names come from strangers:
each is made safe and unique within the message.

The sender (the From header's display name and address) is kept for the review desk.

`parse_email` raises `EmailError` - and nothing else - when the message is larger than MAX_EMAIL_BYTES
(refused before parsing) or cannot be read as a message at all; a malformed part, header or charset
costs only what it holds (a part's name, a body's odd characters), never the rest of the message.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parseaddr
from html import unescape

from infra.storage.keys import safe_name, unique_name
from intake.claim_store import ReceivedFile
from models.errors import InputError
from models.manifest import quoted_claim_id
from validators.upload import MAX_BYTES, MAX_FILES

# The largest files a request may hold (MAX_FILES x MAX_BYTES = 10 x 3 MiB) base64-encoded: x 4/3 = 40 MiB,
# plus a line break every 76 characters (x 78/76): 41.05 MiB. The limit adds ~7 MiB for the bodies (text +
# HTML), inline images and headers. A larger message cannot be a valid request: refused unparsed.
ENCODED_FILES_BYTES = MAX_FILES * MAX_BYTES * 4 // 3 * 78 // 76
MAX_EMAIL_BYTES = 48 * 1024 * 1024
MAX_PARTS = 1000  # parts read in one message (a stranger's nesting bounded; a real request has a few dozen)


class EmailError(InputError):
    """A received e-mail cannot be read as a request (too large, or not a message at all)."""

    code = "invalid_email"


@dataclass(frozen=True)
class Attachment(ReceivedFile):
    """One attached file: a received file (a safe, unique name and its bytes) and the type the sender declared."""

    declared_type: str = ""


@dataclass(frozen=True)
class EmailRequest:
    """What a received e-mail brings to intake."""

    subject: str
    body: str
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    sender_name: str = ""  # the From header's display name
    sender_address: str = ""  # the From header's address
    parts_unread: bool = False  # the message has more than MAX_PARTS parts: those beyond were not looked at

    @property
    def quoted_claim(self) -> str | None:
        """The claim number the message quotes (subject first, then body)."""
        return quoted_claim_id(self.subject) or quoted_claim_id(self.body)


def safe_attachment_name(name: str | None, index: int) -> str:
    """A safe file name (`infra.storage.keys.safe_name`); `attachment-N` when the part has none."""
    return safe_name(name) if name and name.strip() else f"attachment-{index}"


def _decoded_text(part: Message) -> str:
    """A text part's text: its declared charset when Python knows it as a text encoding, else UTF-8;
    undecodable bytes replaced (a wrong or unknown charset never stops the reading)."""
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = part.get_content_charset() or "us-ascii"
    try:
        if codecs.lookup(charset)._is_text_encoding:
            return data.decode(charset, errors="replace")
    except (LookupError, UnicodeError, ValueError):  # an unknown name, a codec refusing 'replace' (idna)
        pass
    return data.decode("utf-8", errors="replace")


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _decoded_text(part)
    if part.get_content_type() == "text/html":
        text = unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(text.split())


def _one_line(text: str) -> str:
    """A header value on one line, without control characters (a stranger's bytes)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _sender(message: EmailMessage) -> tuple[str, str]:
    """(display name, address) of the From header; ("", "") when it is missing or cannot be read."""
    try:
        name, address = parseaddr(str(message.get("from", "") or ""))
    except Exception:  # a malformed header costs only the sender, never the message
        return "", ""
    return _one_line(name), _one_line(address)


def _leaves(message: Message, unread: list[bool]) -> Iterator[Message]:
    """Every part that is not a container, depth first in the message's order: the parts of nested
    multiparts and of forwarded messages (message/rfc822) included; at most MAX_PARTS (`unread` gets
    True when there were more: they are not silently dropped, the request is flagged)."""
    stack: list[Message] = [message]
    seen = 0
    while stack and seen < MAX_PARTS:
        part = stack.pop()
        seen += 1
        if part.is_multipart():  # its payload is the list of its parts (get_payload() of a leaf decodes its text: not here)
            stack.extend(reversed([p for p in part.get_payload() if isinstance(p, Message)]))
        else:
            yield part
    if stack:
        unread.append(True)


def _filename(part: Message) -> str | None:
    """The part's file name as the sender gave it; None when there is none or it cannot be read."""
    try:
        name = part.get_filename()
    except (ValueError, LookupError, IndexError, AttributeError, TypeError):  # a malformed parameter: the name alone is lost
        return None
    return name if isinstance(name, str) else None


def _is_attachment(part: Message, filename: str | None) -> bool:
    try:
        disposition = part.get_content_disposition()
    except (ValueError, IndexError, AttributeError, TypeError):
        disposition = None
    return filename is not None or disposition == "attachment"


def parse_email(raw: bytes) -> EmailRequest:
    """The subject, plain-text body and attachments of a raw e-mail. EmailError when it is larger than
    MAX_EMAIL_BYTES (before parsing) or cannot be parsed as a message at all."""
    if len(raw) > MAX_EMAIL_BYTES:
        raise EmailError(f"the e-mail is larger than {MAX_EMAIL_BYTES // (1024 * 1024)} MiB: it cannot be a valid request")
    try:
        message = BytesParser(policy=policy.default).parsebytes(bytes(raw))
        assert isinstance(message, EmailMessage)
        body_part = message.get_body(preferencelist=("plain", "html"))
        body = _body_text(message)
        subject = str(message.get("subject", "") or "")
        sender_name, sender_address = _sender(message)
    except Exception as error:  # the standard library's parser on a stranger's bytes: its own bugs end here, documented
        raise EmailError(f"the e-mail cannot be parsed ({type(error).__name__})") from None
    taken: set[str] = set()
    attachments: list[Attachment] = []
    unread: list[bool] = []
    for part in _leaves(message, unread):
        if part is body_part:
            continue
        filename = _filename(part)
        if not _is_attachment(part, filename):
            continue  # an inline logo or alternative body, not a document
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        name = unique_name(safe_attachment_name(filename, len(attachments) + 1), taken)
        attachments.append(Attachment(name=name, data=data, declared_type=part.get_content_type()))
    return EmailRequest(
        subject=subject,
        body=body,
        attachments=tuple(attachments),
        sender_name=sender_name,
        sender_address=sender_address,
        parts_unread=bool(unread),
    )
