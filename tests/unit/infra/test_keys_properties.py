"""Properties of the storage keys built from strangers' names (hypothesis).

The invariant of `check_key` (what "a safe key" means, checked against an independent oracle below):
a key is accepted if and only if it is a non-empty str of at most MAX_KEY_BYTES UTF-8 bytes, made of
'/'-separated segments each of which is non-empty, neither '.' nor '..', at most MAX_SEGMENT_BYTES
UTF-8 bytes, and no character of which is a control character (Cc), a surrogate (Cs) or a backslash.
So an accepted key is relative, never climbs out of a prefix, and every backend can address it.
(Display tricks - bidi overrides, zero-width characters - are not refused by `check_key`: they cannot
escape anything; `safe_name` removes them from the names it makes.)
"""

from __future__ import annotations

import string
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from infra.storage.base import InvalidKey
from infra.storage.keys import (
    MAX_EXTENSION,
    MAX_KEY_BYTES,
    MAX_SEGMENT_BYTES,
    NAME_BYTES,
    check_key,
    check_prefix,
    join,
    safe_name,
    unique_name,
)
from infra.storage.local import TMP_PREFIX, LocalStorage

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TRICKY = [
    "\x00",
    "\n",
    "\r",
    "\t",
    "\x1b",
    "\x7f",
    "\x85",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\ud800",
    "\udfff",
    "\\",
    "/",
    ".",
    "..",
    "\u2215",
    "\uff0f",
    "\uff0e",
    "\u2024",
    "\u0301",
    "\u0327",
    "\u0338",
    "\U0001f600",
    "\U0001f468\u200d\U0001f469",
    "é",
    "ß",
    "İ",
    "ﬁ",
    "\u1100\u1161",
    " ",
    "-",
    "_",
    "(",
    ")",
    "~",
    ":",
    "*",
    "?",
    "<",
    ">",
    "|",
    '"',
    "CON",
    "\uffff",
    "\U0010ffff",
]

# any text, surrogates and controls included, with the tricky pieces over-represented
any_char = st.characters(codec=None)
tricky_text = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(any_char, max_size=8)), max_size=12).map("".join)
names = st.one_of(
    st.text(any_char, max_size=40),
    tricky_text,
    st.builds(lambda stem, ext: stem + "." + ext, tricky_text, st.text(string.ascii_letters + string.digits, max_size=12)),
    st.builds(
        lambda c, n, ext: c * n + ext,
        st.sampled_from(["é", "x", "\U0001f600", "\u0301", "\u202e", "."]),
        st.integers(0, 400),
        st.sampled_from(["", ".pdf", ".jpeg", ".PNG", ".tar.gz", ".abcdefghij"]),
    ),
)


def is_safe_key(key: object) -> bool:
    """The oracle: the invariant above, written independently of `check_key`."""
    if not isinstance(key, str) or not key or len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        return False
    if any(unicodedata.category(c) in ("Cc", "Cs") or c == "\\" for c in key):
        return False
    return all(s not in ("", ".", "..") and len(s.encode("utf-8")) <= MAX_SEGMENT_BYTES for s in key.split("/"))


def accepted(key: str) -> bool:
    try:
        return check_key(key) == key
    except InvalidKey:
        return False


# --- check_key, check_prefix ---------------------------------------------------------------------

segments = st.one_of(
    st.sampled_from(["", ".", "..", "a", "\\", "x\x00", "\u202e", "é" * 130, "y" * 256]), st.text(any_char, max_size=10)
)
keys = st.one_of(
    st.text(any_char, max_size=30),
    st.lists(segments, min_size=1, max_size=6).map("/".join),
    st.builds(lambda n: "k/" * n + "k", st.integers(0, 600)),
)


@SETTINGS
@given(keys)
@example("a/b")
@example("/a")
@example("a/")
@example("a//b")
@example("a/../b")
@example("a\\b")
@example("\ud800")
@example("x" * 255)
@example("x" * 256)
@example("é" * 128)
@example("a/" * 512 + "a")
def test_check_key_accepts_exactly_the_safe_keys(key):
    assert accepted(key) == is_safe_key(key)


@SETTINGS
@given(keys)
def test_check_prefix_accepts_a_safe_key_with_or_without_its_trailing_slash(key):
    def prefix_ok(prefix: str) -> bool:
        try:
            return check_prefix(prefix) == prefix
        except InvalidKey:
            return False

    assert prefix_ok(key) == (is_safe_key(key.removesuffix("/")) or key == "")
    if is_safe_key(key):
        assert prefix_ok(key + "/")


# --- safe_name -----------------------------------------------------------------------------------


def plain_extension(name: str) -> str | None:
    """The extension `safe_name` promises to keep: short, ASCII letters/digits, after the last dot of the
    last path component."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    _, dot, ext = base.rpartition(".")
    if dot and ext and len(ext) <= MAX_EXTENSION and ext.isascii() and ext.isalnum():
        return ext
    return None


@SETTINGS
@given(names)
@example("invoice\u202efdp.exe")
@example("..")
@example("a/..")
@example("\\\\server\\share\\x.pdf")
@example("\ud800.pdf")
@example("\u0301" * 300 + ".pdf")
@example("a_.b_")
@example("\U0001f600" * 100 + ".jpeg")
@example("x" * 5000)
@example(".")
@example("-")
def test_safe_name_is_one_valid_capped_segment_and_idempotent(name):
    out = safe_name(name)
    assert check_key(out) == out and "/" not in out
    assert len(out.encode("utf-8")) <= NAME_BYTES
    assert out[0] not in ".-_" and out == unicodedata.normalize("NFC", out)
    assert all(unicodedata.category(c)[0] in "LNM" or c in "-_.()" for c in out)
    assert safe_name(out) == out


@SETTINGS
@given(names)
def test_safe_name_keeps_a_short_plain_extension(name):
    ext = plain_extension(name)
    assume(ext is not None)
    assert safe_name(name).endswith("." + ext)


@SETTINGS
@given(names, st.integers(1, 300))
@example("x.jpeg", 5)
@example("0:.0:", 4)
@example("x" * 116 + "_.b" + "é" * 10, 120)
@example("a.abcdefghij", 3)
@example("é", 1)
@example("photo.jpeg", 12)
def test_safe_name_respects_any_byte_cap(name, max_bytes):
    out = safe_name(name, max_bytes=max_bytes)
    assert check_key(out) == out and "/" not in out
    assert len(out.encode("utf-8")) <= min(max_bytes, MAX_SEGMENT_BYTES)
    assert safe_name(out, max_bytes=max_bytes) == out


# --- unique_name ---------------------------------------------------------------------------------


@SETTINGS
@given(
    st.lists(names, max_size=12), st.sets(st.sampled_from(["file", "file.pdf", "file-2.pdf", "scan.pdf", "a.pdf", "FILE-3.PDF"]))
)
@example(["scan.pdf", "SCAN.pdf", "scan-2.pdf", "Scan.PDF"], set())
def test_unique_name_never_returns_a_taken_name(raw_names, already):
    taken = {name.lower() for name in already}
    before = set(taken)
    chosen = [unique_name(safe_name(name), taken) for name in raw_names]
    lowered = [name.lower() for name in chosen]
    assert len(set(lowered)) == len(lowered) and not set(lowered) & before
    assert taken == before | set(lowered)
    for name in chosen:
        assert check_key(name) == name and "/" not in name and len(name.encode()) <= NAME_BYTES


single_segments = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"], exclude_characters="/\\"), min_size=1, max_size=20
)


@SETTINGS
@given(
    st.one_of(
        single_segments,
        st.builds(
            lambda c, n, ext: c * n + ext,
            st.sampled_from(["x", "é", "\U0001f600"]),
            st.integers(1, 255),
            st.sampled_from(["", ".pdf", ".x" * 3]),
        ),
    ),
    st.integers(1, 5),
)
@example("x" * 255, 3)
@example("x" * 251 + ".pdf", 2)
@example("a." + "b" * 253, 2)
@example(".hidden", 2)
def test_unique_name_of_any_valid_segment_stays_a_valid_segment(name, copies):
    assume(is_safe_key(name))
    taken: set[str] = set()
    chosen = [unique_name(name, taken) for _ in range(copies)]
    assert len({c.lower() for c in chosen}) == copies
    for candidate in chosen:
        assert is_safe_key(candidate) and "/" not in candidate
        assert len(candidate.encode()) <= max(len(name.encode()), NAME_BYTES)


# --- join ----------------------------------------------------------------------------------------

parts_text = st.one_of(
    st.sampled_from(
        ["claims", "a/b", "..", ".", "", "/", "/etc", "a/", "a//", "../x", "x/..", "a\\b", "\x00", "\u202e", "~", "...", " .."]
    ),
    st.text(any_char, max_size=8),
)


@SETTINGS
@given(st.lists(parts_text, min_size=1, max_size=5))
def test_join_refuses_any_part_that_could_escape(parts):
    try:
        key = join(*parts)
    except InvalidKey:
        trimmed = [p.removesuffix("/") for p in parts]
        assert not all(is_safe_key(p) for p in trimmed) or not is_safe_key("/".join(trimmed))
        return
    assert is_safe_key(key)
    assert key == "/".join(p.removesuffix("/") for p in parts)
    for part in parts:  # no part climbs out of the ones before it
        assert all(segment not in ("", ".", "..") for segment in part.removesuffix("/").split("/"))
    # the key resolves below a root, at the depth its parts give it
    root = Path("/r")
    resolved = Path("/r", *key.split("/"))
    assert resolved.is_relative_to(root) and len(resolved.relative_to(root).parts) == key.count("/") + 1


# --- LocalStorage round trip ---------------------------------------------------------------------

storable_segments = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"], exclude_characters="/\\"), min_size=1, max_size=12),
    st.sampled_from(["...", " ", "\u202e", "\u2028", "CON", "a b", "\U0001f600", "é" * 127, "x" * 255, "e\u0301", "-rf"]),
)
storable_keys = (
    st.lists(storable_segments, min_size=1, max_size=4)
    .map("/".join)
    .filter(is_safe_key)
    .filter(lambda key: not any(s.startswith(TMP_PREFIX) for s in key.split("/")))
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(storable_keys, st.binary(max_size=64))
@example("...", b"x")
@example("a/...", b"")
@example("e\u0301/\u202e", b"\x00")
def test_local_storage_round_trip_of_any_safe_key_stays_inside_its_root(key, data):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "root"
        storage = LocalStorage(root)
        assert storage.put_bytes(key, data, if_absent=True)
        assert storage.get_bytes(key) == data and storage.exists(key)
        assert [info.key for info in storage.list()] == [key]
        assert [info.key for info in storage.list(key)] == [key]
        prefix = key.rpartition("/")[0]
        if prefix:
            assert [info.key for info in storage.list(prefix + "/")] == [key]
        written = [p for p in Path(folder).rglob("*") if p.is_file()]
        assert len(written) == 1 and written[0].resolve().is_relative_to(root.resolve())
        assert written[0].relative_to(root).as_posix() == key


@pytest.mark.parametrize("key", ["a/" + TMP_PREFIX + "x", TMP_PREFIX])
def test_local_storage_reserves_its_temporary_names(key, tmp_path):
    assert check_key(key) == key  # a safe key, but reserved by this backend (documented)
    with pytest.raises(InvalidKey):
        LocalStorage(tmp_path).put_bytes(key, b"x")
