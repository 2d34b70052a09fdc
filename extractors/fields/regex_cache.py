"""Compiled huge regular expressions kept on disk between processes, for the spaCy model's load.

spaCy's French tokenizer compiles, at import, one 1.4 MB regular expression (`TOKEN_MATCH`, the
hyphenated and elided words): ~2.2 s of CPU in every process that loads the model, most of a cold
`intake extract`'s start-up. Python's `re` compiles a pattern into a list of integers handed to
`_sre.compile`; inside `cached_big_patterns()`, a pattern of at least BIG characters is compiled once
and that list is written to a cache file keyed by the Python build, the flags and the pattern itself,
so later processes build the same matcher from the same code without parsing it again (`Pattern`
equality, which compares the compiled code, holds: tests/unit/extractors/test_regex_cache.py).

This leans on `re`'s internals (`re._compile`, `re._parser`, `re._compiler._code`, `_sre.compile`):
any error (another Python, an unreadable or unwritable cache) falls back to the ordinary compile.
INTAKE_REGEX_CACHE names the folder (default: $XDG_CACHE_HOME or ~/.cache, then claim-intake/regex);
an empty value turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BIG = 100_000  # characters: smaller patterns compile fast enough, and go through re's own cache
_lock = threading.Lock()


def cache_folder() -> Path | None:
    """Where compiled patterns are kept, None when the cache is off."""
    named = os.environ.get("INTAKE_REGEX_CACHE")
    if named is not None:
        return Path(named) if named else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claim-intake" / "regex"


def _key(pattern: str, flags: int) -> str:
    build = f"{sys.version}|{sys.implementation.cache_tag}|{flags}|".encode()
    return hashlib.sha256(build + pattern.encode("utf-8", "surrogatepass")).hexdigest()


def _compiled_parts(pattern: str, flags: int) -> tuple[Any, ...]:
    """What `re._compiler.compile` hands to `_sre.compile`, as plain values marshal can write."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def compile_cached(pattern: str, flags: int, folder: Path) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, from the cache file when there is one (written when there is not)."""
    import _sre

    path = folder / _key(pattern, flags)
    try:
        parts = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        parts = _compiled_parts(pattern, flags)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=folder)
            with os.fdopen(fd, "wb") as out:
                out.write(marshal.dumps(parts))
            Path(temporary).replace(path)
        except OSError as exc:
            log.debug("regex cache not written: %s", exc)
    compiled: re.Pattern[str] = _sre.compile(pattern, *parts)
    return compiled


@contextlib.contextmanager
def cached_big_patterns() -> Iterator[None]:
    """While inside, `re.compile` of a str pattern of BIG characters or more goes through the cache."""
    folder = cache_folder()
    original = getattr(re, "_compile", None)
    if folder is None or original is None:
        yield
        return

    def compile_(pattern: Any, flags: Any) -> Any:
        if isinstance(pattern, str) and len(pattern) >= BIG:
            try:
                return compile_cached(pattern, int(flags), folder)
            except Exception as exc:  # re's internals changed: the ordinary compile
                log.debug("regex cache skipped: %s", exc)
        return original(pattern, flags)

    with _lock:
        re._compile = compile_  # type: ignore[attr-defined]
        try:
            yield
        finally:
            re._compile = original  # type: ignore[attr-defined]
