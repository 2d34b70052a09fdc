"""infra.tools.tesseract against the installed Tesseract, on a generated page image."""

from __future__ import annotations

import time

import pytest
from PIL import Image

from infra.tools import deadline, tesseract
from tests.unit.infra.tool_inputs import text_image


def test_image_data_reads_the_printed_words(tmp_path):
    data = tesseract.image_data(text_image(tmp_path / "page.png"), "fra+eng", 150, 3)
    words = {text.strip() for text in data["text"] if text.strip()}
    assert {"FACTURE", "PHARMACIE", "45,30"} <= words
    assert {"conf", "left", "top", "width", "height", "block_num", "par_num", "line_num"} <= data.keys()


def test_image_data_on_a_file_tesseract_cannot_read_raises_tesseract_failed(tmp_path):
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"not an image at all")
    with pytest.raises(tesseract.TesseractFailed):
        tesseract.image_data(garbage, "fra+eng", 150, 3)


def test_orientation_of_a_sideways_page(tmp_path):
    """The page turned 90 degrees counter-clockwise needs 90 degrees clockwise to be upright."""
    degrees, confidence = tesseract.orientation(text_image(tmp_path / "sideways.png", turn=90), 150)
    assert degrees == 90 and confidence > 1


def test_orientation_of_a_blank_page_is_unknown(tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("L", (1240, 1754), 255).save(blank)
    assert tesseract.orientation(blank, 150) == (0, 0.0)


def test_version_and_languages_of_the_installed_tesseract():
    assert int(tesseract.version().split(".")[0]) >= 5
    assert {"fra", "eng", "osd"} <= tesseract.languages()


def test_a_pass_stopped_by_the_works_deadline_is_budget_spent(tmp_path):
    page = text_image(tmp_path / "page.png")
    with (
        deadline.within(deadline.Deadline(time.monotonic() + 0.25, "request_timeout", 420)),
        pytest.raises(deadline.BudgetSpent) as spent,
    ):
        tesseract.image_data(page, "fra+eng", 150, 3)
    assert spent.value.reason == "request_timeout"
