"""Object keys built from strangers' names: attachment names, extranet file names, message ids.

`safe_name` turns any name into one harmless key segment; `join` builds a key from parts and refuses
any part that could escape its prefix; `check_key` is what every storage backend enforces on the keys
it is given. Error messages say what is wrong, never the key itself (it may carry personal data).
"""

from __future__ import annotations

import re
import unicodedata

from infra.storage.base import InvalidKey

MAX_KEY_BYTES = 1024  # S3's limit on a key
MAX_SEGMENT_BYTES = 255  # a file name on common file systems
NAME_BYTES = 120
KEPT_PUNCTUATION = "-_.()"
MAX_EXTENSION = 10
_RUNS = re.compile(r"_{2,}|\.{2,}")

__all__ = ["InvalidKey", "check_key", "check_prefix", "join", "printable", "safe_name", "unique_name"]


def printable(text: str) -> str:
    """`text` as it can always be written (JSON, UTF-8, a log of codes): a byte that was not UTF-8 in
    a file name (Python's surrogate escape, U+DC80-U+DCFF) shown as `\\xNN`, any other lone surrogate
    as `\\uNNNN`. Names are recorded this way, never refused for their bytes."""
    return "".join(map(_escaped, text)) if any("\ud800" <= c <= "\udfff" for c in text) else text


def _escaped(char: str) -> str:
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    return f"\\u{ord(char):04x}" if "\ud800" <= char <= "\udfff" else char


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def check_key(key: str) -> str:
    """`key` itself when it is a safe relative key ('a/b/c': no empty, '.' or '..' segment, no leading
    '/', no backslash, no control character, within S3's length limit); InvalidKey otherwise."""
    if not isinstance(key, str) or not key:
        raise InvalidKey("empty key")
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise InvalidKey(f"key longer than {MAX_KEY_BYTES} bytes")
    if any(_is_control(c) or c == "\\" or "\ud800" <= c <= "\udfff" for c in key):
        raise InvalidKey("control character, surrogate or backslash in key")
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            raise InvalidKey("empty, '.' or '..' segment in key (or a leading/trailing '/')")
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise InvalidKey(f"key segment longer than {MAX_SEGMENT_BYTES} bytes")
    return key


def check_prefix(prefix: str) -> str:
    """`prefix` itself when it is '' or a safe key, optionally ending with '/'; InvalidKey otherwise."""
    if prefix:
        check_key(prefix.removesuffix("/"))
    return prefix


def join(*parts: str) -> str:
    """The key made of `parts` ('claims', claim_id, 'originals', name), each of which may hold '/'
    (one trailing '/' is dropped). InvalidKey when any part is empty, absolute, or holds '.' or '..'
    segments, backslashes or control characters: no part can climb out of the ones before it."""
    if not parts:
        raise InvalidKey("no key parts")
    trimmed = [part.removesuffix("/") if isinstance(part, str) else part for part in parts]
    if not all(isinstance(part, str) and part for part in trimmed):
        raise InvalidKey("empty key part")
    return check_key("/".join(trimmed))


def _clean_char(char: str) -> str:
    if unicodedata.category(char)[0] in "LNM" or char in KEPT_PUNCTUATION:
        return char
    return "_"


def _split_extension(name: str) -> tuple[str, str]:
    dot = name.rfind(".")
    extension = name[dot + 1 :] if dot >= 0 else ""
    if extension and len(extension) <= MAX_EXTENSION and extension.isascii() and extension.isalnum():
        return name[:dot], "." + extension
    return name, ""


def _cap(stem: str, extension: str, max_bytes: int) -> str:
    stem = stem[:max_bytes]
    while stem and len((stem + extension).encode("utf-8")) > max_bytes:
        stem = stem[:-1]
    return stem.strip("._-")


def safe_name(name: str, max_bytes: int = NAME_BYTES) -> str:
    """One safe key segment from a stranger's file name: its last path component only ('/' and '\\'
    both count), NFC-normalised, letters/digits/marks and '-_.()' kept, anything else (controls, NUL,
    newlines, bidi overrides, zero-width or look-alike slashes, spaces) turned into '_', no leading dot
    or dash, at most `max_bytes` UTF-8 bytes (and never more than a segment's MAX_SEGMENT_BYTES), its
    extension kept unless the cap is too small to hold it. Never empty: 'file' at worst (cut to the
    cap). Idempotent: a safe name is its own safe name."""
    if max_bytes < 1:
        raise ValueError("max_bytes must be at least 1")
    max_bytes = min(max_bytes, MAX_SEGMENT_BYTES)
    text = unicodedata.normalize("NFC", str(name))
    base = re.split(r"[/\\]", text)[-1]
    cleaned = _RUNS.sub(lambda m: m.group(0)[0], "".join(_clean_char(c) for c in base))
    stem, extension = _split_extension(cleaned)
    stem = stem.strip("._-")
    capped = _cap(stem, extension, max_bytes)
    if not capped and len(("file" + extension).encode("utf-8")) > max_bytes:
        extension = ""  # a cap too small for the extension: the name without it
        capped = _cap(stem, extension, max_bytes)
    if not extension:  # stripped or cut, the name may now end in an extension ('a_.b_' -> 'a_.b'): tidy its stem too
        capped_stem, extension = _split_extension(capped)
        capped = capped_stem.strip("._-") if extension else capped
    return (capped or "file"[:max_bytes]) + extension


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3`... before its extension, whichever is not in `taken` (compared
    without case: some file systems ignore it); the name chosen is added to `taken` (lower-cased).
    A numbered name is no longer than `name` or NAME_BYTES, whichever is longer, nor than a segment's
    MAX_SEGMENT_BYTES: its stem is cut to make room for the number (so a safe name stays a safe name)."""
    stem, extension = _split_extension(name)
    limit = min(MAX_SEGMENT_BYTES, max(NAME_BYTES, len(name.encode("utf-8", "surrogatepass"))))
    candidate, n = name, 2
    while candidate.lower() in taken:
        number = f"-{n}{extension}"
        room = limit - len(number.encode("utf-8"))
        cut = stem
        while cut and len(cut.encode("utf-8", "surrogatepass")) > room:
            cut = cut[:-1]
        candidate = cut + number
        n += 1
    taken.add(candidate.lower())
    return candidate
