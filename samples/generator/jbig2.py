"""JBIG2 scans as office multifunction scanners write them into PDFs: a 1-bit page coded as one
generic region with the arithmetic (MQ) coder, template 0, typical prediction on (`/JBIG2Decode`,
embedded stream: no file header, no end-of-page segment, as PDF requires).

No JBIG2 encoder is packaged in Debian (jbig2enc is not), so the few lines of the standard's encoder
that such a scan needs are here (ITU-T T.88 annex E, the MQ coder; 6.2.5, generic region decoding,
read backwards): `jbig2_page(ink)` codes a bitmap; samples/generator/hostile.py puts it in a PDF.
Pixel contexts are computed with numpy, the coder itself is plain Python: a 150-dpi A4 page of text
codes in about a second (a row equal to the one above costs one decision).
"""

from __future__ import annotations

import struct

import numpy as np

# (Qe, next state after an MPS, next state after an LPS, switch MPS on LPS): T.88 table E.1
_STATES = (
    (0x5601, 1, 1, 1),
    (0x3401, 2, 6, 0),
    (0x1801, 3, 9, 0),
    (0x0AC1, 4, 12, 0),
    (0x0521, 5, 29, 0),
    (0x0221, 38, 33, 0),
    (0x5601, 7, 6, 1),
    (0x5401, 8, 14, 0),
    (0x4801, 9, 14, 0),
    (0x3801, 10, 14, 0),
    (0x3001, 11, 17, 0),
    (0x2401, 12, 18, 0),
    (0x1C01, 13, 20, 0),
    (0x1601, 29, 21, 0),
    (0x5601, 15, 14, 1),
    (0x5401, 16, 14, 0),
    (0x5101, 17, 15, 0),
    (0x4801, 18, 16, 0),
    (0x3801, 19, 17, 0),
    (0x3401, 20, 18, 0),
    (0x3001, 21, 19, 0),
    (0x2801, 22, 19, 0),
    (0x2401, 23, 20, 0),
    (0x2201, 24, 21, 0),
    (0x1C01, 25, 22, 0),
    (0x1801, 26, 23, 0),
    (0x1601, 27, 24, 0),
    (0x1401, 28, 25, 0),
    (0x1201, 29, 26, 0),
    (0x1101, 30, 27, 0),
    (0x0AC1, 31, 28, 0),
    (0x09C1, 32, 29, 0),
    (0x08A1, 33, 30, 0),
    (0x0521, 34, 31, 0),
    (0x0441, 35, 32, 0),
    (0x02A1, 36, 33, 0),
    (0x0221, 37, 34, 0),
    (0x0141, 38, 35, 0),
    (0x0111, 39, 36, 0),
    (0x0085, 40, 37, 0),
    (0x0049, 41, 38, 0),
    (0x0025, 42, 39, 0),
    (0x0015, 43, 40, 0),
    (0x0009, 44, 41, 0),
    (0x0005, 45, 42, 0),
    (0x0001, 45, 43, 0),
    (0x5601, 46, 46, 0),
)
AT_PIXELS = ((3, -1), (-3, -1), (2, -2), (-2, -2))  # template 0's adaptive pixels, at their nominal places
SLTP_CONTEXT = 0x9B25  # the context the "row as the one above" bit is coded in (template 0)


class MqEncoder:
    """The JBIG2 / JPEG 2000 arithmetic coder (T.88 E.2): `encode(context, bit)`, then `finish()`."""

    def __init__(self) -> None:
        self.a, self.c, self.ct = 0x8000, 0, 12
        self.out = bytearray([0])  # out[-1] is the byte B being built; out[0] is the dummy byte before the start
        self.state: dict[int, int] = {}
        self.mps: dict[int, int] = {}

    def encode(self, context: int, bit: int) -> None:
        index = self.state.get(context, 0)
        qe, next_mps, next_lps, switch = _STATES[index]
        mps = self.mps.get(context, 0)
        self.a -= qe
        if bit == mps:
            if self.a & 0x8000:
                self.c += qe
                return
            if self.a < qe:
                self.a = qe
            else:
                self.c += qe
            self.state[context] = next_mps
        else:
            if self.a < qe:
                self.c += qe
            else:
                self.a = qe
            if switch:
                self.mps[context] = 1 - mps
            self.state[context] = next_lps
        self._renormalise()

    def _renormalise(self) -> None:
        while True:
            self.a <<= 1
            self.c <<= 1
            self.ct -= 1
            if self.ct == 0:
                self._byte_out()
            if self.a & 0x8000:
                return

    def _byte_out(self) -> None:
        if self.out[-1] == 0xFF:
            self._emit(20)
        elif self.c < 0x8000000:
            self._emit(19)
        else:
            self.out[-1] += 1
            if self.out[-1] == 0xFF:
                self.c &= 0x7FFFFFF
                self._emit(20)
            else:
                self._emit(19)

    def _emit(self, shift: int) -> None:
        self.out.append((self.c >> shift) & 0xFF)
        self.c &= (1 << shift) - 1
        self.ct = 7 if shift == 20 else 8

    def finish(self) -> bytes:
        """The coded bytes, ending with the 0xFF 0xAC marker."""
        top = self.c + self.a
        self.c |= 0xFFFF
        if self.c >= top:
            self.c -= 0x8000
        self.c <<= self.ct
        self._byte_out()
        self.c <<= self.ct
        self._byte_out()
        if self.out[-1] != 0xFF:
            self.out.append(0xFF)
        self.out.append(0xAC)
        return bytes(self.out[1:])


def contexts(ink: np.ndarray) -> np.ndarray:
    """Each pixel's template-0 context (16 neighbours already coded), bit order as T.88 figure 3."""
    height, width = ink.shape
    padded = np.zeros((height + 2, width + 7), np.uint16)
    padded[2:, 4 : width + 4] = ink

    def at(dx: int, dy: int) -> np.ndarray:
        return padded[2 + dy : 2 + dy + height, 4 + dx : 4 + dx + width]

    neighbours = [
        (-1, 0),
        (-2, 0),
        (-3, 0),
        (-4, 0),
        AT_PIXELS[0],
        (2, -1),
        (1, -1),
        (0, -1),
        (-1, -1),
        (-2, -1),
        AT_PIXELS[1],
        AT_PIXELS[2],
        (1, -2),
        (0, -2),
        (-1, -2),
        AT_PIXELS[3],
    ]
    context = np.zeros((height, width), np.uint16)
    for bit, (dx, dy) in enumerate(neighbours):
        context |= at(dx, dy) << bit
    return context


def generic_region(ink: np.ndarray) -> bytes:
    """The bitmap (True = black) coded with template 0 and typical prediction (TPGDON)."""
    bits = ink.astype(np.uint8)
    context = contexts(bits)
    coder = MqEncoder()
    typical_before = 0
    above = np.zeros(bits.shape[1], np.uint8)
    for row, row_context in zip(bits, context, strict=True):
        typical = int(np.array_equal(row, above))
        coder.encode(SLTP_CONTEXT, typical ^ typical_before)
        typical_before, above = typical, row
        if not typical:
            for cx, bit in zip(row_context.tolist(), row.tolist(), strict=True):
                coder.encode(cx, bit)
    return coder.finish()


def _segment(number: int, kind: int, data: bytes) -> bytes:
    """A segment header (no referred-to segments, page 1, one-byte page association) and its data."""
    return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data


def jbig2_page(ink: np.ndarray) -> bytes:
    """An embedded JBIG2 stream: page information, then one immediate generic region over the page."""
    height, width = ink.shape
    page_info = struct.pack(">IIIIBH", width, height, 0, 0, 0, 0)
    region_info = struct.pack(">IIIIB", width, height, 0, 0, 0)
    flags = 0b1000  # arithmetic coding, template 0, typical prediction on
    at = b"".join(struct.pack(">bb", dx, dy) for dx, dy in AT_PIXELS)
    return _segment(0, 48, page_info) + _segment(1, 38, region_info + bytes([flags]) + at + generic_region(ink))
