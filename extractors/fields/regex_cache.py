"""Compiled huge regular expressions kept on disk between processes, for the spaCy model's load.

spaCy's French tokenizer compiles, at import, one 1.4 MB regular expression (`TOKEN_MATCH`, the
hyphenated and elided words): ~2.2 s of CPU in every process that loads the model, most of a cold
`intake extract`'s start-up. Python's `re` compiles a pattern into a list of integers handed to
`_sre.compile`; inside `cached_big_patterns()`, a pattern of at least BIG characters is compiled once
and that list is written to a cache file named after a digest of the Python build, the flags and the
pattern itself, so later processes build the same matcher from the same code without parsing it again
(`Pattern` equality, which compares the compiled code, holds: tests/unit/extractors/test_regex_cache.py).

The cached code is handed to `_sre.compile` unchecked (wrong code can crash the process or silently
change what matches) and is read with `marshal` (a few crafted bytes can ask for gigabytes), so a
cache file is never trusted as found. It is used only when
- its folder is owned by this user and writable by no one else (created 0o700; a folder others can
  write, or another user's, is not used at all: the ordinary compile, and a warning naming no path),
- the file itself is a regular file (not a link) owned by this user, writable by no one else, and no
  larger than the pattern's compiled code can be,
- it starts with its format tag, the pattern's key (that digest of build, flags and pattern) and the
  SHA-256 of key + code, and the code read matches that digest: a truncated, corrupted or replaced
  file, or one written for another pattern, fails here before `marshal` reads a byte of it.
Anything else is compiled as usual and the file rewritten (temporary file, then `os.replace`). The
digest guards against damage, not against someone who can write the folder (they could write a
matching digest): the ownership and permission checks are what keep other users out; this user can
always change what their own processes run.

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
import secrets
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BIG = 100_000  # characters: smaller patterns compile fast enough, and go through re's own cache
FORMAT = b"claim-intake regex cache 2\n"
DIGEST = 32  # bytes of a SHA-256
FOLDER_MODE = 0o700
FILE_MODE = 0o600
OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH
CODE_BYTES_PER_CHAR = 16  # marshalled code is ~0.9 byte per pattern character (spaCy's): a generous cap
_lock = threading.Lock()


def cache_folder() -> Path | None:
    """Where compiled patterns are kept, None when the cache is off."""
    named = os.environ.get("INTAKE_REGEX_CACHE")
    if named is not None:
        return Path(named) if named else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claim-intake" / "regex"


def _key(pattern: str, flags: int) -> bytes:
    """The cache entry's key (its file name, in hex): a digest of the Python build, the flags and the pattern."""
    build = f"{sys.version}|{sys.implementation.cache_tag}|{flags}|".encode()
    return hashlib.sha256(build + pattern.encode("utf-8", "surrogatepass")).digest()


def _largest_file(pattern: str) -> int:
    """No cache file for `pattern` is read past this size."""
    return len(FORMAT) + 2 * DIGEST + CODE_BYTES_PER_CHAR * len(pattern) + 65_536


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


def _private(status: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    return status.st_uid == os.geteuid() and not status.st_mode & OTHERS_WRITE


@contextlib.contextmanager
def _private_folder(folder: Path) -> Iterator[int | None]:
    """A descriptor of `folder` (made 0o700 when missing) while it is this user's alone; None otherwise."""
    try:
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        log.debug("regex cache not used: %s", type(exc).__name__)
        yield None
        return
    try:
        if _private(os.fstat(fd)):
            yield fd
        else:
            log.warning("regex cache not used: its folder is another user's or others can write to it")
            yield None
    finally:
        os.close(fd)


def _digest(key: bytes, code: bytes) -> bytes:
    return hashlib.sha256(FORMAT + key + code).digest()


def _read_private(folder: int, name: str, largest: int) -> bytes | None:
    """The file `name` in `folder` when it is a regular file of this user's alone, at most `largest` bytes."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY, dir_fd=folder)
    except OSError:
        return None  # absent (the first use), a link, unreadable
    try:
        status = os.fstat(fd)
        if not (stat.S_ISREG(status.st_mode) and _private(status) and status.st_size <= largest):
            return None
        with open(fd, "rb", closefd=False) as file:
            data = file.read(status.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == status.st_size else None  # else it changed while read


def _verified_code(data: bytes, key: bytes) -> bytes | None:
    """The marshalled code `data` holds when its header names `key` and its digest matches."""
    start = len(FORMAT) + 2 * DIGEST
    if len(data) < start or not data.startswith(FORMAT + key):
        return None
    code = data[start:]
    return code if data[start - DIGEST : start] == _digest(key, code) else None


def _well_formed(parts: Any) -> bool:
    """The shape `_compiled_parts` returns."""
    kinds = (int, list, int, dict, tuple)
    return type(parts) is tuple and len(parts) == len(kinds) and all(type(p) is k for p, k in zip(parts, kinds, strict=True))


def _load(folder: int, key: bytes, largest: int) -> tuple[Any, ...] | None:
    """The compiled parts cached under `key`, or None when there is no entry that passes every check."""
    data = _read_private(folder, key.hex(), largest)
    code = _verified_code(data, key) if data is not None else None
    if code is None:
        return None
    try:
        parts = marshal.loads(code)
    except (ValueError, EOFError, TypeError):
        return None
    return parts if _well_formed(parts) else None


def _store(folder: int, key: bytes, parts: tuple[Any, ...], largest: int) -> None:
    """Write the entry atomically: a private temporary file beside it, flushed, then moved in."""
    code = marshal.dumps(parts)
    data = FORMAT + key + _digest(key, code) + code
    if len(data) > largest:
        return  # it would never be read
    temporary = f".{key.hex()}.{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE, dir_fd=folder)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(fd)
        os.replace(temporary, key.hex(), src_dir_fd=folder, dst_dir_fd=folder)
    except OSError as exc:
        log.debug("regex cache not written: %s", type(exc).__name__)
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)


def compile_cached(pattern: str, flags: int, folder: Path) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, from a verified cache entry when there is one (written when there is not)."""
    import _sre

    key, largest = _key(pattern, flags), _largest_file(pattern)
    with _private_folder(folder) as private:
        parts = _load(private, key, largest) if private is not None else None
        if parts is None:
            parts = _compiled_parts(pattern, flags)
            if private is not None:
                _store(private, key, parts, largest)
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
