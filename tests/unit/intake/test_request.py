"""`process_request` alone: stages replaced by stubs that return documents built without OCR, the
upload rules and the claim store real. What it writes, a reply joining its claim, the channel kept."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image

from infra.storage.local import LocalStorage
from intake.claim_store import ClaimStore, Quarantined, ReceivedFile
from intake.pipeline import PageOutcome
from intake.request import Received, process_request
from intake.stages import Stages
from models import ClaimStatus, DocType, Document, FlagCode, Upload
from models.manifest import Channel
from tests.unit.validators.claim_fixtures import NOW, doc
from validators.flag_wording import make_flag
from validators.rules_file import load_rules

RULES = load_rules()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (210, 297), 255).save(buffer, "PNG")
    return buffer.getvalue()


def stub_stages(kinds: dict[str, DocType]) -> Stages:
    """Reading replaced: each accepted file is a document of the given type, dated and priced."""

    def documents(uploads: Sequence[Upload], outcomes: Sequence[PageOutcome]) -> list[Document]:
        return [doc(u.file, kinds[u.file], sha=u.sha256, date=f"{NOW:%Y-%m-%d}", total="12.50", currency="EUR") for u in uploads]

    return Stages(read_pages=lambda uploads: [], build_documents=documents)


def test_originals_claim_quarantine_and_index_are_written(tmp_path):
    store = ClaimStore(LocalStorage(tmp_path))
    received = Received(
        "CLM-20261120-AAAAAA",
        (ReceivedFile("facture.png", png()), ReceivedFile("scan.gif", b"GIF89a....")),
        channel=Channel.EXTRANET,
    )
    claim = process_request(received, store, RULES, lambda: NOW, stub_stages({"facture.png": DocType.INVOICE}))
    assert [d.file for d in claim.documents] == ["facture.png"] and [r.file for r in claim.rejected_files] == ["scan.gif"]
    assert claim.channel is Channel.EXTRANET and store.load(claim.claim_id) == claim
    assert store.original(claim.claim_id, "scan.gif") == b"GIF89a...."  # refused files are kept too
    assert [(e.file, e.codes, e.stored) for e in store.quarantined(claim.claim_id)] == [
        ("scan.gif", ("unsupported_format",), True)
    ]
    assert store.index.seen_for(claim.documents)[0].claim_id == claim.claim_id


def test_a_reply_joins_the_claim_it_quotes_and_keeps_its_channel(tmp_path):
    store = ClaimStore(LocalStorage(tmp_path))
    first = process_request(
        Received("CLM-20261120-BBBBBB", (ReceivedFile("facture.png", png()),), channel=Channel.EMAIL),
        store,
        RULES,
        lambda: NOW,
        stub_stages({"facture.png": DocType.INVOICE}),
    )
    assert first.claim_id == "CLM-20261120-BBBBBB"
    reply = Received(
        "CLM-20261120-CCCCCC",
        (ReceivedFile("facture.png", png()[:-1] + b"\x00"),),
        quoted=first.claim_id,
        channel=Channel.EXTRANET,
    )
    claim = process_request(
        reply, store, RULES, lambda: NOW, stub_stages({"facture-2.png": DocType.PRESCRIPTION, "facture.png": DocType.INVOICE})
    )
    assert claim.claim_id == first.claim_id and claim.channel is Channel.EMAIL
    assert [d.file for d in claim.documents] == ["facture.png", "facture-2.png"] and len(claim.replies) == 1
    assert not store.exists("CLM-20261120-CCCCCC")


def test_a_quoted_claim_not_on_file_opens_a_new_flagged_claim(tmp_path):
    store = ClaimStore(LocalStorage(tmp_path))
    received = Received("CLM-20261120-DDDDDD", (ReceivedFile("facture.png", png()),), quoted="CLM-20200101-ABCDEF")
    claim = process_request(received, store, RULES, lambda: NOW, stub_stages({"facture.png": DocType.INVOICE}))
    assert claim.claim_id == "CLM-20261120-DDDDDD" and "unknown_claim" in {f.code.value for f in claim.flags}


def test_the_claim_names_every_file_by_its_safe_stored_name(tmp_path):
    """Control characters, newlines, ANSI escapes and bidi overrides never reach the claim JSON: every
    `file` in it is the name the original is stored under (infra.storage.keys.safe_name)."""
    store = ClaimStore(LocalStorage(tmp_path))
    hostile = ("fac\x1b[31mture\n\u202egnp.png", "scan\x00\u2066.gif")
    received = Received("CLM-20261120-DDDDDD", (ReceivedFile(hostile[0], png()), ReceivedFile(hostile[1], b"GIF89a....")))
    claim = process_request(received, store, RULES, lambda: NOW, stub_stages({"fac_31mture_gnp.png": DocType.INVOICE}))
    assert [d.file for d in claim.documents] == ["fac_31mture_gnp.png"] and [r.file for r in claim.rejected_files] == ["scan.gif"]
    stored = store.claim_bytes(claim.claim_id).decode("utf-8")
    assert not any(c in stored for c in "\x1b\u202e\u2066") and "\\u0000" not in stored and "\\n" not in stored
    assert store.original(claim.claim_id, "fac_31mture_gnp.png") == png()


def test_a_reply_keeps_what_went_wrong_receiving_the_first_submission(tmp_path):
    """Issue 22 #2: a 33 MiB file and a file with an unusable name in submission 1, then a reply with the
    invoice and the prescription: the claim keeps both receiving flags (two received files never read)
    and is not handed to adjudication."""
    store = ClaimStore(LocalStorage(tmp_path))
    too_large = make_flag(FlagCode.FILE_TOO_LARGE, file="scan.pdf", reason="33792 Ko, au-delà de la limite : non lu")
    first = Received(
        "CLM-20261120-EEEEEE",
        (ReceivedFile("facture.png", png()),),
        channel=Channel.EXTRANET,
        flags=(too_large, make_flag(FlagCode.INVALID_NAME, count=1)),
        quarantined=(Quarantined.of("scan.pdf", FlagCode.FILE_TOO_LARGE.value, source="inbox/extranet/s/scan.pdf"),),
    )
    process_request(first, store, RULES, lambda: NOW, stub_stages({"facture.png": DocType.INVOICE}))
    reply = Received(
        "CLM-20261120-FFFFFF",
        (ReceivedFile("ordonnance.png", png()[:-1] + b"\x01"),),
        quoted="CLM-20261120-EEEEEE",
        channel=Channel.EMAIL,
    )
    claim = process_request(
        reply, store, RULES, lambda: NOW, stub_stages({"ordonnance.png": DocType.PRESCRIPTION, "facture.png": DocType.INVOICE})
    )
    codes = {f.code for f in claim.flags}
    assert {FlagCode.FILE_TOO_LARGE, FlagCode.INVALID_NAME} <= codes
    assert (
        claim.status is ClaimStatus.NEEDS_REVIEW
        and not (tmp_path / "outbox" / "adjudication" / f"{claim.claim_id}.json").exists()
    )


def test_a_claim_no_longer_ready_leaves_the_adjudication_outbox(tmp_path):
    """Issue 22 #2: a ready claim is in the outbox; a later reply that makes it `needs_review` takes it out
    before any delivery."""
    store = ClaimStore(LocalStorage(tmp_path))
    outbox = tmp_path / "outbox" / "adjudication" / "CLM-20261120-GGGGGG.json"
    kinds = {"facture.png": DocType.INVOICE, "ordonnance.png": DocType.PRESCRIPTION}
    first = Received(
        "CLM-20261120-GGGGGG", (ReceivedFile("facture.png", png()), ReceivedFile("ordonnance.png", png()[:-1] + b"\x01"))
    )
    assert process_request(first, store, RULES, lambda: NOW, stub_stages(kinds)).status is ClaimStatus.READY and outbox.is_file()
    reply = Received(
        "CLM-20261120-HHHHHH",
        (ReceivedFile("scan.gif", b"GIF89a...."),),
        quoted="CLM-20261120-GGGGGG",
        flags=(make_flag(FlagCode.INVALID_NAME, count=1),),
    )
    claim = process_request(reply, store, RULES, lambda: NOW, stub_stages(kinds))
    assert claim.status is ClaimStatus.NEEDS_REVIEW and not outbox.exists()
