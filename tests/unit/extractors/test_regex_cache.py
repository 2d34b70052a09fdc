"""The on-disk cache of huge compiled regexes builds the same matcher as `re.compile`."""

from __future__ import annotations

import marshal
import os
import re
import stat
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors.fields import regex_cache

WORDS = [f"mot{i}-trait{i * 7}" for i in range(12_000)]
BIG_PATTERN = r"(?P<word>^(?:" + "|".join(re.escape(w) for w in WORDS) + r")$)|[\w\u00e0-\u00ff]+(?:'[\w]+)?"


def test_cached_pattern_equals_compiled(tmp_path: Path) -> None:
    assert len(BIG_PATTERN) >= regex_cache.BIG
    expected = re.compile(BIG_PATTERN, re.IGNORECASE)
    first = regex_cache.compile_cached(BIG_PATTERN, int(re.IGNORECASE), tmp_path)  # compiled, written
    assert len(list(tmp_path.iterdir())) == 1
    second = regex_cache.compile_cached(BIG_PATTERN, int(re.IGNORECASE), tmp_path)  # read back
    for compiled in (first, second):
        assert compiled == expected  # Pattern equality compares flags and the compiled code
        assert compiled.groupindex == expected.groupindex
        assert compiled.match("MOT42-TRAIT294").group("word") == "MOT42-TRAIT294"
        assert compiled.match("aujourd'hui").group() == "aujourd'hui"


def test_corrupt_cache_file_is_recompiled(tmp_path: Path) -> None:
    regex_cache.compile_cached(BIG_PATTERN, 0, tmp_path)
    (cached,) = tmp_path.iterdir()
    cached.write_bytes(b"not marshal data")
    assert regex_cache.compile_cached(BIG_PATTERN, 0, tmp_path) == re.compile(BIG_PATTERN)


def test_context_only_routes_big_patterns_and_restores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_REGEX_CACHE", str(tmp_path))
    original = re._compile  # type: ignore[attr-defined]
    with regex_cache.cached_big_patterns():
        assert re.compile(r"\d+") == re.compile(r"\d+")
        assert not list(tmp_path.iterdir())
        assert re.compile(BIG_PATTERN) == _fresh(BIG_PATTERN)
        assert len(list(tmp_path.iterdir())) == 1
    assert re._compile is original  # type: ignore[attr-defined]


def test_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_REGEX_CACHE", "")
    assert regex_cache.cache_folder() is None
    with regex_cache.cached_big_patterns():
        assert re.compile(BIG_PATTERN).match("mot1-trait7")


def _fresh(pattern: str) -> re.Pattern[str]:
    """The ordinary compile, bypassing re's own cache (and any patch)."""
    from re import _compiler  # type: ignore[attr-defined]

    compiled: re.Pattern[str] = _compiler.compile(pattern, 0)
    return compiled


# A cache entry is used only when it passes every check: anything else is ignored and rebuilt.
SWALLOWING = r"(?P<word>.+)"  # planted code that would make one token of a name and the words after it
SAMPLES = ["mot42-trait294", "mot1-trait7 suivant", "aujourd'hui", "Jean Dupont rue"]


def _entry(folder: Path, pattern: str = BIG_PATTERN, flags: int = 0) -> Path:
    return folder / regex_cache._key(pattern, flags).hex()


def _forged(parts: tuple, pattern: str = BIG_PATTERN, flags: int = 0) -> bytes:
    """An entry for `pattern` holding `parts`, with a matching digest (what a writer of the folder could make)."""
    key, code = regex_cache._key(pattern, flags), marshal.dumps(parts)
    return regex_cache.FORMAT + key + regex_cache._digest(key, code) + code


def _assert_tokenises_as_usual(compiled: re.Pattern[str]) -> None:
    expected = _fresh(BIG_PATTERN)
    assert compiled == expected
    for text in SAMPLES:
        assert compiled.match(text).group() == expected.match(text).group()


def _plant(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o600)


def test_a_replaced_entry_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    regex_cache.compile_cached(BIG_PATTERN, 0, tmp_path)
    entry = _entry(tmp_path)
    genuine = entry.read_bytes()
    swallowing = regex_cache._compiled_parts(SWALLOWING, 0)
    header = genuine[: len(regex_cache.FORMAT) + 2 * regex_cache.DIGEST]
    for planted in (marshal.dumps(swallowing), header + marshal.dumps(swallowing)):
        _plant(entry, planted)  # the old format's bare code; the right header over other code
        _assert_tokenises_as_usual(regex_cache.compile_cached(BIG_PATTERN, 0, tmp_path))
        assert entry.read_bytes() == genuine  # rebuilt


def test_an_entry_of_another_pattern_under_this_key_is_ignored(tmp_path: Path) -> None:
    other = BIG_PATTERN.replace("mot", "nom")
    regex_cache.compile_cached(other, 0, tmp_path)
    _plant(_entry(tmp_path), _entry(tmp_path, other).read_bytes())  # a valid entry, for another pattern
    _assert_tokenises_as_usual(regex_cache.compile_cached(BIG_PATTERN, 0, tmp_path))


@pytest.mark.parametrize("planted", [b"(\xff\xff\xff\x0f", b"", regex_cache.FORMAT])
def test_a_tiny_file_costs_no_memory_and_is_rebuilt(tmp_path: Path, planted: bytes) -> None:
    key = regex_cache._key(BIG_PATTERN, 0)
    _plant(_entry(tmp_path), planted)  # 5 bytes marshal reads as a tuple of 2**28 items (2 GiB)
    tracemalloc.start()
    try:
        assert regex_cache._load(_folder_fd(tmp_path), key, regex_cache._largest_file(BIG_PATTERN)) is None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
    _assert_tokenises_as_usual(regex_cache.compile_cached(BIG_PATTERN, 0, tmp_path))


def test_a_truncated_or_oversized_entry_is_rebuilt(tmp_path: Path) -> None:
    regex_cache.compile_cached(BIG_PATTERN, 0, tmp_path)
    entry = _entry(tmp_path)
    genuine = entry.read_bytes()
    for planted in (genuine[: len(genuine) // 2], genuine + b"\0" * regex_cache._largest_file(BIG_PATTERN)):
        _plant(entry, planted)
        _assert_tokenises_as_usual(regex_cache.compile_cached(BIG_PATTERN, 0, tmp_path))
        assert entry.read_bytes() == genuine


@pytest.mark.parametrize("mode", [0o770, 0o777, 0o1777, 0o720])
def test_a_folder_others_can_write_is_not_used(tmp_path: Path, mode: int, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    _plant(_entry(folder), _forged(regex_cache._compiled_parts(SWALLOWING, 0)))  # a perfect forgery
    folder.chmod(mode)
    _assert_tokenises_as_usual(regex_cache.compile_cached(BIG_PATTERN, 0, folder))
    assert [p.name for p in folder.iterdir()] == [_entry(folder).name]  # nothing written either
    assert "not used" in caplog.text and str(folder) not in caplog.text


def test_another_users_folder_or_file_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _plant(_entry(tmp_path), _forged(regex_cache._compiled_parts(SWALLOWING, 0)))
    me = os.geteuid()
    monkeypatch.setattr(regex_cache.os, "geteuid", lambda: me + 1)  # the folder and file now belong to someone else
    _assert_tokenises_as_usual(regex_cache.compile_cached(BIG_PATTERN, 0, tmp_path))
    monkeypatch.undo()
    _entry(tmp_path).chmod(0o622)  # our folder, a file others can write
    _assert_tokenises_as_usual(regex_cache.compile_cached(BIG_PATTERN, 0, tmp_path))
    assert stat.S_IMODE(_entry(tmp_path).stat().st_mode) == 0o600  # rebuilt


def test_a_link_in_place_of_the_entry_is_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(_forged(regex_cache._compiled_parts(SWALLOWING, 0)))
    elsewhere.chmod(0o600)
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    _entry(folder).symlink_to(elsewhere)
    _assert_tokenises_as_usual(regex_cache.compile_cached(BIG_PATTERN, 0, folder))
    assert not _entry(folder).is_symlink()


def test_the_folder_is_made_private_and_entries_atomically(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "claim-intake" / "regex"
    regex_cache.compile_cached(BIG_PATTERN, 0, folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (entry,) = folder.iterdir()  # no temporary file left
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert regex_cache._load(_folder_fd(folder), regex_cache._key(BIG_PATTERN, 0), regex_cache._largest_file(BIG_PATTERN))


def _folder_fd(folder: Path) -> int:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    _OPEN.append(fd)
    return fd


_OPEN: list[int] = []


@pytest.fixture(autouse=True)
def _close_folders() -> Iterator[None]:
    yield
    while _OPEN:
        os.close(_OPEN.pop())
