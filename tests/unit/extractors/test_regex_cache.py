"""The on-disk cache of huge compiled regexes builds the same matcher as `re.compile`."""

from __future__ import annotations

import re
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
