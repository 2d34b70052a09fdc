"""Properties of the e-mail boundary (hypothesis): whatever bytes arrive as an .eml, parse_email
answers an EmailRequest or an EmailError - nothing else; every attachment name is a valid key and
unique in the message (without case); on generated MIME messages (encoded subjects, plain/HTML bodies
in odd charsets, attachments with arbitrary names and types, nested multiparts, forwarded messages)
every attachment's bytes come back in order and a quoted claim number is found."""

from __future__ import annotations

import base64
import binascii
import quopri
import urllib.parse
from email.header import Header
from html import escape

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from infra.storage.keys import check_key, safe_name
from intake.email_request import ENCODED_FILES_BYTES, MAX_EMAIL_BYTES, EmailError, EmailRequest, parse_email
from models.errors import InputError

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
CLAIM = st.from_regex(r"CLM-20[0-9]{6}-[0-9A-HJKMNP-TV-Z]{6}", fullmatch=True)
words = st.text(st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=30)  # what a person types on one line
any_text = st.text(max_size=30)
CONTENT_TYPES = [
    "application/pdf",
    "image/jpeg",
    "image/png",
    "application/octet-stream",
    "text/plain",
    "text/html",
    "image/gif",
    "application/x-weird",
    "message/rfc822",
    "multipart/mixed",
    "x/y",
    "garbage",
    "",
    "image/jpeg; name=x.jpg",
]


def parse(raw: bytes) -> EmailRequest | None:
    """parse_email, with its one documented error answered as None."""
    try:
        request = parse_email(raw)
    except EmailError as error:
        assert isinstance(error, InputError) and error.code == "invalid_email"
        return None
    names = [a.name for a in request.attachments]
    assert all(check_key(name) == name and "/" not in name for name in names)
    assert len({name.lower() for name in names}) == len(names)
    assert isinstance(request.subject, str) and isinstance(request.body, str)
    return request


# --- arbitrary bytes -----------------------------------------------------------------------------

HEADERS = [
    b"Subject: ",
    b"Content-Type: multipart/mixed; boundary=",
    b"Content-Type: text/plain; charset=",
    b"Content-Disposition: attachment; filename*=",
    b"Content-Transfer-Encoding: ",
    b"--",
    b"\r\n",
    b"\n\n",
    b"=?utf-8?b?",
    b"=?x-unknown?q?",
    b"?=",
    b'filename="',
    b"name*0*=utf-8''",
    b"base64",
    b"quoted-printable",
    b"x-uuencode",
    b"begin 644 x\n",
    b"message/rfc822",
    b'boundary="b"',
    b"\xff\xfe",
    b"\x00",
    b"CLM-20261123-97G8C1",
]
raw_messages = st.one_of(
    st.binary(max_size=400), st.lists(st.one_of(st.sampled_from(HEADERS), st.binary(max_size=12)), max_size=40).map(b"".join)
)


@SETTINGS
@given(raw_messages)
@example(b"")
@example(b"Content-Type: multipart/mixed\r\n\r\nno boundary")
@example(b"Content-Type: text/plain; charset=x-unknown\r\n\r\nCLM-20261123-97G8C1")
@example(b"Content-Type: text/plain; charset=idna\r\n\r\n\xff")
@example(b"Content-Type: text/plain; charset=rot13\r\n\r\nx")
@example(b'Content-Type: text/plain; charset="a\x00b"\r\n\r\nx')
@example(b"Content-Disposition: attachment; filename*=x-bad''%ff%fe\r\nContent-Type: application/pdf\r\n\r\n%PDF")
@example(b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n--b--")
def test_any_bytes_are_a_request_or_an_email_error(raw):
    parse(raw)


# --- generated MIME messages ---------------------------------------------------------------------


@st.composite
def filenames(draw) -> str | None:
    return draw(
        st.one_of(
            st.none(),
            st.just(""),
            words,
            any_text,
            st.sampled_from(
                [
                    "../../etc/passwd",
                    "..\\..\\boot.ini",
                    "facture.pdf",
                    "FACTURE.PDF",
                    "invoice\u202efdp.exe",
                    "a\x00b.pdf",
                    "reçu médecin.jpg",
                    "\U0001f600.png",
                    "x" * 300 + ".pdf",
                    "e\u0301.jpg",
                    ".",
                    "..",
                    " ",
                    "attachment-1",
                ]
            ),
        )
    )


def encoded_param(name: str, key: str, style: int) -> bytes:
    """A MIME parameter as mailers write it: RFC 2231 (percent-encoded UTF-8), RFC 2047 (an encoded word
    in quotes, as Outlook does), or raw UTF-8 in quotes (as many mailers do)."""
    data = name.encode("utf-8", "surrogatepass")
    if style == 0:
        return f"{key}*=utf-8''{urllib.parse.quote_from_bytes(data, safe='')}".encode()
    if style == 1:
        return f'{key}="=?utf-8?b?{base64.b64encode(data).decode()}?="'.encode()
    return (
        key.encode() + b'="' + data.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\r", b"").replace(b"\n", b"") + b'"'
    )


@st.composite
def attachment_parts(draw) -> tuple[bytes, bytes, str | None]:
    """(the part's bytes, its data, the name it was sent with)."""
    name, data = draw(filenames()), draw(st.binary(max_size=200))
    ctype = draw(
        st.sampled_from(
            [
                "application/pdf",
                "image/jpeg",
                "image/png",
                "application/octet-stream",
                "image/gif",
                "application/x-weird",
                "text/plain",
                "text/csv",
            ]
        )
    )
    style, where = draw(st.integers(0, 2)), draw(st.sampled_from(["disposition", "type", "both"]))
    disposition = b"Content-Disposition: attachment"
    content_type = f"Content-Type: {ctype}".encode()
    if name is not None:
        if where in ("disposition", "both"):
            disposition += b"; " + encoded_param(name, "filename", style)
        if where in ("type", "both"):
            content_type += b"; " + encoded_param(name, "name", style)
    encoding = draw(st.sampled_from(["base64", "quoted-printable"]))
    # binary data in quoted-printable: its CR and LF encoded too (quopri's text mode takes them for line ends)
    body = base64.encodebytes(data) if encoding == "base64" else binascii.b2a_qp(data, quotetabs=True, istext=False)
    part = content_type + b"\r\n" + disposition + f"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n".encode() + body
    return part, data, name


def text_part(text: str, html: bool, charset: str, encoding: str) -> bytes:
    subtype = "html" if html else "plain"
    content = f"<html><body><p>{escape(text)}</p><br/></body></html>" if html else text
    data = content.encode("utf-8", "surrogatepass")
    body = base64.encodebytes(data) if encoding == "base64" else quopri.encodestring(data)
    return f"Content-Type: text/{subtype}; charset={charset}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n".encode() + body


def multipart(subtype: str, parts: list[bytes], boundary: str) -> bytes:
    out = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\npreamble\r\n'.encode()
    for part in parts:
        out += f"--{boundary}\r\n".encode() + part + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


@st.composite
def messages(draw) -> tuple[bytes, list[bytes], str | None, list[str | None]]:
    """(raw message, the attachments' data in order, the claim number quoted or None, the names sent)."""
    claim = draw(st.none() | CLAIM)
    where = draw(st.sampled_from(["subject", "body"]))
    before, after = draw(words), draw(words)
    quoted = f"{before} {claim} {after}" if claim else f"{before} {after}"
    subject_text = quoted if where == "subject" else draw(words)
    body_text = quoted if where == "body" else draw(words)
    header_style = draw(st.integers(0, 2))
    if header_style == 0:
        subject = Header(subject_text, "utf-8").encode().encode()  # encoded words, folded
    elif header_style == 1:
        subject = subject_text.encode("utf-8", "surrogatepass")  # raw UTF-8 (RFC 6532)
    else:
        subject = Header(subject_text, "iso-8859-1" if subject_text.isascii() else "utf-8").encode().encode()
    charset = draw(st.sampled_from(["utf-8", "UTF-8", "us-ascii", "iso-8859-1", "x-unknown-charset", "idna", "utf-7"]))
    plain = text_part(body_text, False, charset, draw(st.sampled_from(["base64", "quoted-printable"])))
    body_parts = [plain]
    if draw(st.booleans()):
        html = text_part(body_text, True, "utf-8", "quoted-printable")
        body_parts = [multipart("alternative", [plain, html], "alt-" + "x" * draw(st.integers(1, 5)))]
    drawn = draw(st.lists(attachment_parts(), max_size=5))
    parts = [p for p, _, _ in drawn]
    if parts and draw(st.booleans()):  # some attachments nested in a multipart, or a forwarded message
        cut = draw(st.integers(0, len(parts)))
        nested = multipart(draw(st.sampled_from(["mixed", "related", "parallel"])), parts[cut:], "nested-boundary")
        if draw(st.booleans()):
            nested = b"Content-Type: message/rfc822\r\n\r\nSubject: forwarded\r\nMIME-Version: 1.0\r\n" + nested
        parts = [*parts[:cut], nested]
    headers = (
        b"From: claimant@example.org\r\nTo: remboursements@example.org\r\nMIME-Version: 1.0\r\nSubject: " + subject + b"\r\n"
    )
    if not parts and len(body_parts) == 1 and draw(st.booleans()):
        raw = headers + plain
    else:
        raw = headers + multipart("mixed", body_parts + parts, "outer-boundary-=_")
    return raw, [d for _, d, _ in drawn], claim, [n for _, _, n in drawn]


@SETTINGS
@given(messages())
def test_generated_messages_give_back_their_attachments_and_claim_number(generated):
    raw, data, claim, names = generated
    request = parse(raw)
    assert request is not None
    assert [a.data for a in request.attachments] == data
    assert request.quoted_claim == claim
    for attachment, name in zip(request.attachments, names, strict=True):
        if name and name.isprintable() and "\\" not in name and name.strip() and "/" not in name:
            stem = safe_name(name).rpartition(".")[0] or safe_name(name)
            assert attachment.name.startswith(stem[:40]), (attachment.name, name)


def test_a_binary_attachment_in_quoted_printable_keeps_its_cr_and_lf():
    """CR and LF inside a binary attachment travel as =0D / =0A and come back byte for byte."""
    data = b"\n\r\n%PDF\r"
    part = (
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    body = part + binascii.b2a_qp(data, quotetabs=True, istext=False)
    request = parse(b"From: a@example.org\r\nMIME-Version: 1.0\r\n" + multipart("mixed", [body], "b-1"))
    assert request is not None
    assert [a.data for a in request.attachments] == [data]


@SETTINGS
@given(messages(), st.data())
def test_truncated_or_corrupted_messages_never_fail_but_with_an_email_error(generated, data):
    raw = generated[0]
    cut = data.draw(st.integers(0, len(raw)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, max(len(raw) - 1, 0)), st.integers(0, 255)), max_size=5))
    mutated = bytearray(raw[:cut])
    for at, value in flips:
        if at < len(mutated):
            mutated[at] = value
    parse(bytes(mutated))


@SETTINGS
@given(st.lists(filenames(), min_size=1, max_size=8))
@example(["scan.pdf", "SCAN.pdf", "scan-2.pdf", None, "attachment-1", ""])
def test_names_of_a_message_are_valid_and_unique(names):
    parts = [
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment"
        + (b"; " + encoded_param(n, "filename", 0) if n is not None else b"")
        + b"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n"
        for n in names
    ]
    request = parse(
        b"Subject: x\r\nMIME-Version: 1.0\r\n" + multipart("mixed", [text_part("hi", False, "utf-8", "base64"), *parts], "b")
    )
    assert request is not None and len(request.attachments) == len(names)
    assert all(a.data == b"%PDF" for a in request.attachments)


# --- size cap ------------------------------------------------------------------------------------


def test_the_cap_holds_a_full_request_with_headroom():
    # 10 files of 3 MiB, base64 with its line breaks, fit with room for the bodies and headers
    assert ENCODED_FILES_BYTES < MAX_EMAIL_BYTES and MAX_EMAIL_BYTES - ENCODED_FILES_BYTES >= 4 * 1024 * 1024
    assert len(base64.encodebytes(b"\0" * (3 * 1024 * 1024))) * 10 <= ENCODED_FILES_BYTES + 10


class Parsed(BaseException):
    """Raised by the stub parser: passes through parse_email's own error handling."""


def test_a_message_over_the_cap_is_refused_before_parsing(monkeypatch):
    import intake.email_request as module

    def stub_parser(*args, **kwargs):
        raise Parsed

    monkeypatch.setattr(module, "BytesParser", stub_parser)
    with pytest.raises(EmailError, match="larger than 48 MiB") as caught:
        parse_email(b"x" * (MAX_EMAIL_BYTES + 1))
    assert caught.value.code == "invalid_email"
    with pytest.raises(Parsed):
        parse_email(b"x" * MAX_EMAIL_BYTES)  # at the cap: parsed
