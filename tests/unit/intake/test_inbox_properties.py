"""Properties of the inbox over any object name (issue 22 #3 and #5): whatever bytes a stranger puts in
a name, grouping, markers, claim numbers and quarantine reasons are computed and written - a name never
stops a pass, and two received objects never share a quarantine entry."""

from __future__ import annotations

import functools
import json
import tempfile
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from infra.index.engine import engine_for
from infra.index.store import ClaimIndex
from infra.storage.base import ObjectInfo
from infra.storage.keys import printable
from intake import inbox
from intake.claim_store import Quarantined
from tests.unit.intake.test_claim_ids import MemoryStorage

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


@functools.cache
def _index() -> ClaimIndex:
    """One index for every example (the in-memory storage has none beside it)."""
    return ClaimIndex(engine_for(f"sqlite:///{tempfile.mkdtemp(prefix='inbox-properties-')}/index.sqlite"))


# names as a local folder lists them: any character, a byte that is not UTF-8 as a surrogate escape
NAME_CHARS = st.one_of(st.characters(blacklist_categories=("Cs",)), st.integers(0x80, 0xFF).map(lambda b: chr(0xDC00 + b)))
NAMES = st.text(NAME_CHARS, min_size=1, max_size=40).filter(lambda n: "/" not in n)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["extranet/", "email/", ""]), NAMES, NAMES), min_size=1, max_size=8))
def test_any_names_group_take_and_finish(names):
    storage, index = MemoryStorage(), _index()
    keys = {
        f"inbox/{channel}{folder}/{name}" if channel == "extranet/" else f"inbox/{channel}{name}"
        for channel, folder, name in names
    }
    objects = [ObjectInfo(key, 1, NOW, "e") for key in sorted(keys)]  # a listing names each key once
    for submission in inbox.group_submissions(objects):
        marker = inbox.take(storage, submission, NOW, index=index)
        assert marker is not None
        json.loads(marker.to_bytes())
        done = inbox.finish(storage, submission, marker, NOW, index=index)
        assert index.submission(inbox.marker_key(submission)).state == "done"  # any name goes into the index
        assert inbox.Marker.from_bytes(done.to_bytes()).objects == done.objects
        assert inbox.done_key(submission).isascii()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(NAMES, st.binary(max_size=8), st.booleans()), min_size=2, max_size=6, unique=True))
def test_quarantine_entries_and_reasons_for_any_names(items):
    quarantined = [
        Quarantined.of(name, "invalid_name", data if stored else None, None if stored else f"inbox/x/{name}")
        for name, data, stored in items
    ]
    entries = {q.entry_name() for q in quarantined}
    assert len(entries) == len({(q.name, q.data, q.source) for q in quarantined})  # distinct objects, distinct entries
    for q in quarantined:
        reason = json.loads(q.reason().decode("utf-8"))
        assert reason["file"] == printable(q.name) and reason["codes"] == ["invalid_name"]
        assert not any("\ud800" <= c <= "\udfff" for c in reason["file"])  # always writable as UTF-8
