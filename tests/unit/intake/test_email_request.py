"""Parsing a received e-mail: attachments kept (safe unique names), inline parts skipped, claim number quoted."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from intake.email_request import parse_email, safe_attachment_name


def message(subject: str, body: str, files: list[tuple[str | None, bytes, str]], html: bool = False) -> bytes:
    mail = EmailMessage()
    mail["From"] = "claimant@example.org"
    mail["To"] = "remboursements@example.org"
    mail["Subject"] = subject
    mail.set_content(body)
    if html:
        mail.add_alternative(f"<p>{body}</p>", subtype="html")
    for name, data, mime in files:
        maintype, subtype = mime.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(mail)


def test_attachments_subject_and_quoted_claim():
    raw = message(
        "Re: votre demande CLM-20261123-97G8C1",
        "Bonjour, voici l'ordonnance demandée.",
        [("ordonnance.jpg", b"\xff\xd8jpeg", "image/jpeg"), ("facture.pdf", b"%PDF-1.4", "application/pdf")],
        html=True,
    )
    request = parse_email(raw)
    assert [(a.name, a.data, a.declared_type) for a in request.attachments] == [
        ("ordonnance.jpg", b"\xff\xd8jpeg", "image/jpeg"),
        ("facture.pdf", b"%PDF-1.4", "application/pdf"),
    ]
    assert request.quoted_claim == "CLM-20261123-97G8C1" and "ordonnance" in request.body


def test_claim_number_in_the_body_and_every_attachment_kept():
    raw = message(
        "Remboursement",
        "Suite à votre message (dossier CLM-20261123-KQ8KQF), ci-joint.",
        [("notes.docx", b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")],
    )
    request = parse_email(raw)
    assert request.quoted_claim == "CLM-20261123-KQ8KQF"
    assert [a.name for a in request.attachments] == ["notes.docx"]  # refused later by the upload rules, not dropped here


def test_hostile_and_duplicate_names_are_made_safe_and_unique():
    raw = message(
        "x",
        "y",
        [
            ("../../etc/passwd", b"a", "application/octet-stream"),
            ("..\\..\\boot.ini", b"b", "text/plain"),
            ("scan.pdf", b"c", "application/pdf"),
            ("SCAN.pdf", b"d", "application/pdf"),
        ],
    )
    names = [a.name for a in parse_email(raw).attachments]
    assert names == ["passwd", "boot.ini", "scan.pdf", "SCAN-2.pdf"]
    assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in names)


@pytest.mark.parametrize(
    "name, expected",
    [
        (None, "attachment-3"),
        ("", "attachment-3"),
        ("facture\x00.pdf", "facture.pdf"),
        ("  relevé  bancaire.PNG", "relevé_bancaire.PNG"),
        ("/abs/path/x.jpg", "x.jpg"),
    ],
)
def test_safe_names(name, expected):
    assert safe_attachment_name(name, 3) == expected


def test_no_claim_number_no_reply():
    assert parse_email(message("Ma demande", "Bonjour", [])).quoted_claim is None


NESTED = (
    b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="o"\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nhi\r\n'
    b'--o\r\nContent-Type: multipart/mixed; boundary="n"\r\n\r\n--n\r\nContent-Type: application/pdf\r\n'
    b'Content-Disposition: attachment; filename="a.pdf"\r\n\r\n%PDF\r\n--n--\r\n--o--\r\n'
)
FORWARDED = (
    b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="o"\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nhi\r\n'
    b'--o\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename="fwd.eml"\r\n\r\nSubject: x\r\n'
    b'Content-Type: multipart/mixed; boundary="n"\r\n\r\n--n\r\nContent-Type: application/pdf\r\n'
    b'Content-Disposition: attachment; filename="a.pdf"\r\n\r\n%PDF\r\n--n--\r\n--o--\r\n'
)


@pytest.mark.parametrize("raw", [NESTED, FORWARDED])
def test_attachments_in_nested_multiparts_and_forwarded_messages_are_kept(raw):
    """Regression: only the top level was read - a nested multipart's files were dropped, a forwarded
    message became an empty 'fwd.eml'."""
    request = parse_email(raw)
    assert [(a.name, a.data, a.declared_type) for a in request.attachments] == [("a.pdf", b"%PDF", "application/pdf")]
    assert request.body == "hi"


@pytest.mark.parametrize("charset", ["x-unknown", "idna", "rot13", "base64"])
def test_an_unknown_or_unusable_charset_is_read_as_utf8(charset):
    """Regression: LookupError (unknown charset) or UnicodeError (idna refuses 'replace') escaped parse_email."""
    raw = f"Subject: x\r\nContent-Type: text/plain; charset={charset}\r\n\r\nRe: CLM-20261123-97G8C1 \xe9".encode("latin-1")
    request = parse_email(raw)
    assert request.quoted_claim == "CLM-20261123-97G8C1"


def test_an_oversized_message_is_an_email_error():
    from intake.email_request import MAX_EMAIL_BYTES, EmailError
    from models.errors import InputError

    with pytest.raises(EmailError) as caught:
        parse_email(b"x" * (MAX_EMAIL_BYTES + 1))
    assert isinstance(caught.value, InputError) and caught.value.code == "invalid_email"


def test_the_sender_is_kept_with_its_display_name():
    mail = EmailMessage()
    mail["From"] = '"Léa Morel" <lea.morel@example.org>'
    mail["Subject"] = "Remboursement"
    mail.set_content("Bonjour")
    request = parse_email(bytes(mail))
    assert (request.sender_name, request.sender_address) == ("Léa Morel", "lea.morel@example.org")


@pytest.mark.parametrize("header", [b"", b"From: \x1b[31m<<<\r\n", b"From: =?utf-8?q?\x00?= <\x07x@y>\r\n"])
def test_a_missing_or_hostile_sender_costs_only_the_sender(header):
    raw = header + b"Subject: Demande\r\nContent-Type: text/plain\r\n\r\nBonjour\r\n"
    request = parse_email(raw)
    assert request.subject == "Demande" and request.body == "Bonjour"
    assert all(c.isprintable() for c in request.sender_name + request.sender_address)


def test_parts_beyond_the_cap_are_not_dropped_silently(tmp_path):
    """Issue 22 (low): an e-mail with 1,000 inline parts before its attachment: the attachment is beyond
    what is read, and the request says so (a blocking flag), instead of looking like a message without it."""
    from datetime import UTC, datetime

    from infra.storage.local import LocalStorage
    from intake import inbox
    from intake.email_request import MAX_PARTS
    from intake.submission import receive_submission

    mail = EmailMessage()
    mail["From"], mail["Subject"] = "claimant@example.org", "Demande"
    mail.set_content("Bonjour")
    for _ in range(MAX_PARTS):
        mail.add_attachment(b"x", maintype="text", subtype="plain", disposition="inline")
    mail.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="facture.pdf")
    raw = bytes(mail)
    assert (
        parse_email(raw).parts_unread and not parse_email(message("a", "b", [("f.pdf", b"%PDF", "application/pdf")])).parts_unread
    )
    storage = LocalStorage(tmp_path)
    storage.put_bytes("inbox/email/many.eml", raw)
    (submission,) = inbox.pending(storage, datetime.now(UTC))
    received = receive_submission(storage, submission, "CLM-20261205-AAAAAA")
    assert [(f.code.value, f.details.get("cause")) for f in received.flags] == [("file_too_large", "parts")]
    assert str(MAX_PARTS) in received.flags[0].message
