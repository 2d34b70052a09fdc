"""infra/tools/codec_header.py: an image's size read from its codec's own headers (JPEG, JPEG 2000,
JBIG2), whatever a PDF dictionary says, and whether its decoder holds it whole."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from PIL import Image

from infra.tools import codec_header
from samples.generator.jbig2 import jbig2_page


def jpeg(size: tuple[int, int], mode: str = "L", **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, 255).save(buffer, format="JPEG", **options)
    return buffer.getvalue()


def test_a_baseline_jpeg_is_sized_from_its_frame_header():
    assert codec_header.jpeg_size(jpeg((300, 200))) == codec_header.CodedSize(300, 200, 8, whole=False)
    assert codec_header.jpeg_size(jpeg((30, 20), "RGB")) == codec_header.CodedSize(30, 20, 24, whole=False)


def test_a_progressive_jpeg_is_decoded_whole():
    coded = codec_header.jpeg_size(jpeg((64, 48), "RGB", progressive=True))
    assert coded is not None and (coded.width, coded.height, coded.whole) == (64, 48, True)


def test_a_jpeg_with_a_thumbnail_in_its_exif_is_still_one_scan():
    thumbnail = jpeg((16, 16))
    exif = b"Exif\x00\x00" + thumbnail  # a scan marker inside an APP1 segment is no scan of the image
    data = jpeg((100, 80))
    data = data[:2] + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + data[2:]
    assert codec_header.jpeg_size(data) == codec_header.CodedSize(100, 80, 8, whole=False)


@pytest.mark.parametrize("data", [b"", b"\xff\xd8", b"not a jpeg", jpeg((10, 10))[:20]])
def test_what_is_no_readable_jpeg_has_no_size(data):
    assert codec_header.jpeg_size(data) is None


def test_a_jpeg_2000_is_sized_from_its_siz_marker():
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), "white").save(buffer, format="JPEG2000")
    assert codec_header.jpx_size(buffer.getvalue()) == codec_header.CodedSize(120, 90, 24, whole=True)
    assert codec_header.jpx_size(b"\x00" * 100) is None


def test_a_jbig2_stream_is_sized_from_its_page_and_regions():
    ink = np.zeros((40, 64), bool)
    ink[10:20, 5:50] = True
    data = jbig2_page(ink)
    assert codec_header.jbig2_size(data) == codec_header.CodedSize(64, 40, 1, whole=True)
    # a region larger than its page: the decoder allocates the region
    region = data.rindex(struct.pack(">IIIIB", 64, 40, 0, 0, 0))  # the region's information, after the page's
    big_region = data[:region] + struct.pack(">II", 60000, 60000) + data[region + 8 :]
    assert codec_header.jbig2_size(big_region) == codec_header.CodedSize(60000, 60000, 1, whole=True)


def test_a_striped_jbig2_page_of_open_height_has_no_size():
    data = jbig2_page(np.ones((8, 8), bool))
    open_height = data.replace(struct.pack(">II", 8, 8), struct.pack(">II", 8, 0xFFFFFFFF), 1)
    assert codec_header.jbig2_size(open_height) is None
    assert codec_header.jbig2_size(b"\x00\x01") is None
