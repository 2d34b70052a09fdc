"""What an image codec's own data says it holds, read from its headers before anything is decoded:
the pixel size of a JPEG (its frame header), a JPEG 2000 codestream (its SIZ marker) or a JBIG2
embedded stream (its page information and region segments), and whether its decoder must hold the
whole image at once (JPEG 2000, a progressive or multi-scan JPEG, JBIG2) rather than a few rows.

A PDF image's dictionary (/Width, /Height) is only a claim: the decoders (Pillow, poppler, openjpeg,
jbig2dec) allocate what the data says. Plain byte parsing: no decoder runs here, and nothing is
allocated in proportion to what a header claims.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # start of frame (not DHT, JPG, DAC)
JPEG_PROGRESSIVE = frozenset({0xC2, 0xC6, 0xCA, 0xCE})
JPEG_SOS, JPEG_EOI = 0xDA, 0xD9
JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM, RST0-7: no length field
JBIG2_PAGE_INFORMATION = 48
JBIG2_REGIONS = frozenset({6, 7, 22, 23, 36, 38, 39, 40, 42, 43})  # text, halftone, generic, refinement regions
JBIG2_UNKNOWN = 0xFFFFFFFF  # a striped page of unknown height; a segment of unknown length
MAX_SEGMENTS = 1000  # JBIG2 segments looked at (a scanner's page holds a handful)


@dataclass(frozen=True)
class CodedSize:
    """The pixels a codec's data holds (`width` x `height`; for JBIG2 the largest of its page and
    regions), the bits each takes decoded (8 per colour component; 1 for JBIG2), and whether its
    decoder holds all of them at once (`whole`)."""

    width: int
    height: int
    bits: int
    whole: bool

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def decoded_bytes(self) -> int:
        """What the decoded image takes (a decoder's own working copy may take a few times this)."""
        return self.pixels * self.bits // 8


def jpeg_size(data: bytes) -> CodedSize | None:
    """A JPEG's frame size, `whole` when progressive or in several scans (libjpeg then buffers every
    coefficient of the image); None when it is no JPEG, has no frame header before its data, or
    leaves its height to a later marker (DNL)."""
    if not data.startswith(b"\xff\xd8"):
        return None
    size: tuple[int, int, int] | None = None
    progressive, scans, at = False, 0, 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in JPEG_STANDALONE:
            at += 2
            continue
        if marker == JPEG_EOI:
            break
        (length,) = struct.unpack_from(">H", data, at + 2)
        if marker in JPEG_SOF and at + 10 <= len(data):
            height, width, components = struct.unpack_from(">HHB", data, at + 5)
            size, progressive = (width, height, components), marker in JPEG_PROGRESSIVE
        at += 2 + length
        if marker == JPEG_SOS:
            scans += 1
            at = _after_entropy_data(data, at)
    if size is None or 0 in size:
        return None
    return CodedSize(size[0], size[1], 8 * size[2], whole=progressive or scans > 1)


def _after_entropy_data(data: bytes, at: int) -> int:
    """The position of the first marker after a scan's entropy-coded data (0xFF 0x00 is a stuffed
    byte and 0xFF 0xD0-D7 a restart marker, both part of the data)."""
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= len(data):
            return len(data)
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            at += 1 if following == 0xFF else 2
            continue
        return at


def jpx_size(data: bytes) -> CodedSize | None:
    """A JPEG 2000 image's size from its codestream's SIZ marker (in a JP2 file or bare); always
    `whole` (openjpeg decodes the whole image); None when there is no readable SIZ marker."""
    at = data.find(b"\xff\x4f\xff\x51")
    if at < 0 or at + 42 > len(data):
        return None
    x_end, y_end, x_origin, y_origin = struct.unpack_from(">IIII", data, at + 8)
    (components,) = struct.unpack_from(">H", data, at + 40)
    width, height = x_end - x_origin, y_end - y_origin
    return CodedSize(width, height, 8 * components, whole=True) if width > 0 and height > 0 and components else None


def jbig2_size(data: bytes) -> CodedSize | None:
    """The largest bitmap a JBIG2 embedded stream (segments, no file header) asks its decoder for: its
    page, or a region larger than it; always `whole` (the page bitmap is held at once). None when
    the segments cannot be read or the page's height is left open (striped)."""
    width = height = 0
    at = 0
    for _ in range(MAX_SEGMENTS):
        header = _jbig2_segment(data, at)
        if header is None:
            break
        kind, start, length = header
        if (kind == JBIG2_PAGE_INFORMATION or kind in JBIG2_REGIONS) and start + 8 <= len(data):
            w, h = struct.unpack_from(">II", data, start)
            if kind == JBIG2_PAGE_INFORMATION and h == JBIG2_UNKNOWN:
                return None
            width, height = max(width, w), max(height, h)
        if length == JBIG2_UNKNOWN:  # only an immediate generic region may: the last one read
            break
        at = start + length
    return CodedSize(width, height, 1, whole=True) if width > 0 and height > 0 else None


def _jbig2_segment(data: bytes, at: int) -> tuple[int, int, int] | None:
    """(segment type, where its data starts, its data length) of the segment header at `at` (T.88
    7.2), or None when there is no whole header there."""
    if at + 6 > len(data):
        return None
    number, flags, referred = struct.unpack_from(">IBB", data, at)
    at += 6
    count = referred >> 5
    if count == 7:  # long form: a 29-bit count, then its retention bits
        if at + 3 > len(data):
            return None
        count = struct.unpack_from(">I", data, at - 1)[0] & 0x1FFFFFFF
        at += 3 + (count + 8) // 8
    at += count * (1 if number <= 256 else 2 if number <= 65536 else 4)
    at += 4 if flags & 0x40 else 1  # page association
    if at + 4 > len(data):
        return None
    (length,) = struct.unpack_from(">I", data, at)
    return flags & 0x3F, at + 4, length
