"""The claim store: originals never overwritten, versions kept in history, quarantine with reasons,
the outbox, claim numbers checked before they become keys."""

from __future__ import annotations

import json

import pytest

from infra.storage.keys import InvalidKey
from infra.storage.local import LocalStorage
from intake.claim_store import ClaimStore, Quarantined, ReceivedFile, claim_prefix
from models import ClaimStatus, DocType, Flag, FlagCode, RejectedFile, Severity
from tests.unit.validators.claim_fixtures import NOW, claim, doc
from validators.claimant_message import ClaimantMessage

CLAIM_ID = "CLM-20261120-ABC123"


@pytest.fixture
def store(tmp_path) -> ClaimStore:
    return ClaimStore(LocalStorage(tmp_path))


def test_received_files_get_unique_names_clear_of_the_claims_files(store):
    names = store.receive(
        CLAIM_ID, [ReceivedFile("facture.pdf", b"%PDF one"), ReceivedFile("Facture.pdf", b"%PDF two")], taken={"ordonnance.pdf"}
    )
    assert names == ["facture.pdf", "Facture-2.pdf"]
    again = store.receive(CLAIM_ID, [ReceivedFile("ordonnance.pdf", b"%PDF three")], taken={"ordonnance.pdf"})
    assert again == ["ordonnance-2.pdf"] and store.original(CLAIM_ID, "ordonnance-2.pdf") == b"%PDF three"


def test_storing_the_same_file_again_is_a_no_op_and_other_bytes_never_overwrite(store):
    assert store.receive(CLAIM_ID, [ReceivedFile("a.pdf", b"%PDF a")]) == ["a.pdf"]
    assert store.receive(CLAIM_ID, [ReceivedFile("a.pdf", b"%PDF a")]) == ["a.pdf"]  # a retried run
    assert store.receive(CLAIM_ID, [ReceivedFile("a.pdf", b"%PDF other")]) == ["a-2.pdf"]
    assert store.original(CLAIM_ID, "a.pdf") == b"%PDF a"


def test_a_new_version_moves_the_previous_one_and_its_message_to_history(store, tmp_path):
    message = ClaimantMessage(
        claim_id=CLAIM_ID,
        languages=("fr",),
        subject="Pièces à compléter",
        text="Il manque l'ordonnance.",
        html="<p>Il manque</p>",
        items=1,
    )
    first = claim(doc("facture.pdf", DocType.INVOICE))
    store.write(first, message, NOW)
    folder = tmp_path / "claims" / CLAIM_ID
    assert (folder / "message.txt").read_text(encoding="utf-8") == "Pièces à compléter\n\nIl manque l'ordonnance."
    ready = first.model_copy(update={"status": ClaimStatus.READY})
    store.write(ready, None, NOW.replace(hour=10))
    assert store.load(CLAIM_ID) == ready and not (folder / "message.txt").exists()
    history = sorted(p.name for p in (folder / "history").iterdir())
    assert history == [
        "claim-20261120T100000000000Z.json",
        "message-20261120T100000000000Z.html",
        "message-20261120T100000000000Z.txt",
    ]
    assert json.loads((tmp_path / "outbox" / "adjudication" / f"{CLAIM_ID}.json").read_text())["status"] == "ready"


def test_refused_files_are_quarantined_with_their_reason_codes(store, tmp_path):
    flag = Flag(
        code=FlagCode.UNSUPPORTED_FORMAT, severity=Severity.ERROR, message="scan.gif : format non accepté.", file="scan.gif"
    )
    refused = RejectedFile(index=0, file="scan.gif", size=6, sha256=None, detected_type="image/gif", flags=(flag,))
    store.quarantine(CLAIM_ID, [Quarantined.refused(refused, b"GIF89a")])
    [entry] = store.quarantined(CLAIM_ID)
    assert entry.name.endswith("-scan.gif") and entry.file == "scan.gif" and entry.stored
    assert (tmp_path / "quarantine" / CLAIM_ID / entry.name).read_bytes() == b"GIF89a"
    reason = json.loads((tmp_path / "quarantine" / CLAIM_ID / f"{entry.name}.reason.json").read_text(encoding="utf-8"))
    assert reason["codes"] == ["unsupported_format"] and reason["file"] == "scan.gif" and reason["messages"] == [flag.message]


def test_no_received_object_overwrites_the_reason_of_another(store):
    """Issue 22 #5: a reply's empty scan.pdf beside an earlier 33 MiB scan.pdf, `a\\b.pdf` beside an empty
    `b.pdf`, a reply's invalid manifest after the first one: every reason is kept, each object once."""
    items = [
        Quarantined.of("scan.pdf", FlagCode.FILE_TOO_LARGE.value, source="inbox/extranet/s1/scan.pdf"),
        Quarantined.of("scan.pdf", FlagCode.EMPTY_FILE.value, b""),
        Quarantined.of("a\\b.pdf", FlagCode.INVALID_NAME.value, source="inbox/extranet/s1/a\\b.pdf"),
        Quarantined.of("b.pdf", FlagCode.EMPTY_FILE.value, b"", source="inbox/extranet/s1/b.pdf"),
        Quarantined.of("manifest.json", FlagCode.INVALID_MANIFEST.value, b"{", source="inbox/extranet/s1/manifest.json"),
        Quarantined.of("manifest.json", FlagCode.INVALID_MANIFEST.value, b"[", source="inbox/extranet/s2/manifest.json"),
    ]
    store.quarantine(CLAIM_ID, items[:2])
    store.quarantine(CLAIM_ID, items[2:])
    store.quarantine(CLAIM_ID, items)  # a run taken over writes the same entries again: no copy added
    entries = store.quarantined(CLAIM_ID)
    assert len(entries) == len(items) == len({e.name for e in entries})
    assert sorted((e.file, e.codes) for e in entries) == sorted((q.name, q.codes) for q in items)


def test_a_name_that_is_not_utf8_is_recorded_escaped(store):
    """Issue 22 #3: a Latin-1 byte in a received name (Python's surrogate escape) is recorded, not a crash."""
    store.quarantine(
        CLAIM_ID, [Quarantined.of("relev\udce9.pdf", FlagCode.INVALID_NAME.value, source="inbox/extranet/s/relev\udce9.pdf")]
    )
    [entry] = store.quarantined(CLAIM_ID)
    assert entry.file == "relev\\xe9.pdf" and not entry.stored


def test_an_earlier_release_quarantine_is_still_read(store, tmp_path):
    folder = tmp_path / "quarantine" / CLAIM_ID
    folder.mkdir(parents=True)
    (folder / "scan.gif").write_bytes(b"GIF")
    (folder / "scan.gif.reason.json").write_text(json.dumps({"file": "scan.gif", "codes": ["unsupported_format"]}))
    assert [(e.name, e.file, e.codes, e.stored) for e in store.quarantined(CLAIM_ID)] == [
        ("scan.gif", "scan.gif", ("unsupported_format",), True)
    ]
    assert store.quarantined_file(CLAIM_ID, "scan.gif") == b"GIF"


def test_only_claim_numbers_become_keys(store):
    assert claim_prefix(CLAIM_ID) == f"claims/{CLAIM_ID}/"
    for bad in ("../escaped-claim", "CLM-2026-X", "", f"{CLAIM_ID}/../x"):
        with pytest.raises(InvalidKey):
            claim_prefix(bad)
    with pytest.raises(InvalidKey):
        store.receive("../escaped", [ReceivedFile("a.pdf", b"%PDF")])


def test_claim_ids_lists_only_claims_with_a_claim_json(store):
    store.receive("CLM-20261120-NNNNNN", [ReceivedFile("a.pdf", b"%PDF")])
    store.write(claim(), None, NOW)
    assert store.claim_ids() == [CLAIM_ID] and store.load("CLM-20261120-NNNNNN") is None


def test_the_quarantine_is_listed_with_its_reasons_and_only_its_files_are_read(tmp_path):
    from infra.storage.base import NotFound

    store = ClaimStore(LocalStorage(tmp_path))
    claim_id = "CLM-20261120-ABC123"
    refused = RejectedFile(
        index=0,
        file="scan.gif",
        size=3,
        sha256=None,
        detected_type="image/gif",
        flags=(Flag(code=FlagCode.UNSUPPORTED_FORMAT, severity=Severity.ERROR, message="format refusé"),),
    )
    store.quarantine(
        claim_id,
        [Quarantined.refused(refused, b"GIF"), Quarantined.of("bad\nname.pdf", FlagCode.INVALID_NAME.value, source="inbox/x")],
    )
    entries = sorted(store.quarantined(claim_id), key=lambda e: e.file)
    assert [(e.file, e.codes, e.messages, e.stored) for e in entries] == [
        ("bad\nname.pdf", ("invalid_name",), (), False),
        ("scan.gif", ("unsupported_format",), ("format refusé",), True),
    ]
    by_file = {e.file: e.name for e in entries}
    assert store.quarantined_file(claim_id, by_file["scan.gif"]) == b"GIF"
    for name in (by_file["bad\nname.pdf"], by_file["scan.gif"] + ".reason.json", "absent.pdf", "scan.gif"):
        with pytest.raises(NotFound):
            store.quarantined_file(claim_id, name)
