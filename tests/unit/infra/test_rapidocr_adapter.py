"""infra.tools.rapidocr against the installed RapidOCR, on a generated page image: words, boxes, the
bundled models only (nothing downloaded), and its entry in check_tools."""

from __future__ import annotations

import site
import socket
import sysconfig
from pathlib import Path

import cv2
import pytest

from infra.tools import check, rapidocr
from models import BBox
from tests.unit.infra.tool_inputs import text_image


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    return text_image(tmp_path_factory.mktemp("rapidocr") / "page.png")


def test_reads_the_printed_words_with_boxes_in_the_image_pixels(page):
    words = rapidocr.read_words(page)
    texts = {w.text for w in words}
    assert {"FACTURE", "PHARMACIE", "45,30", "TTC"} <= texts
    assert all(0.0 <= w.confidence <= 1.0 for w in words)
    assert all(0 <= w.bbox.x0 < w.bbox.x1 <= 1240 and 0 <= w.bbox.y0 < w.bbox.y1 <= 1754 for w in words)
    facture = next(w for w in words if w.text == "FACTURE")
    assert 80 <= facture.bbox.x0 <= 110 and 110 <= facture.bbox.y0 <= 140  # printed at (90, 120)
    pharmacie = [w for w in words if w.text == "PHARMACIE" and w.line == facture.line]
    assert pharmacie and pharmacie[0].bbox.x0 > facture.bbox.x1  # one line, separate word boxes
    assert len({w.line for w in words}) == 12 and min(w.line for w in words) == 1


def test_reads_a_grayscale_array_as_its_file(page):
    from_array = rapidocr.read_words(cv2.imread(str(page), cv2.IMREAD_GRAYSCALE))
    assert [w.text for w in from_array] == [w.text for w in rapidocr.read_words(page)]


def test_reads_crops_of_single_lines_without_detection(page):
    words = rapidocr.read_words(page)
    amount = next(w for w in words if w.text == "45,30")
    gray = cv2.imread(str(page), cv2.IMREAD_GRAYSCALE)
    box = amount.bbox
    crop = gray[box.y0 - 8 : box.y1 + 8, box.x0 - 8 : box.x1 + 8]
    read = rapidocr.read_lines([crop, gray[0:60, 0:300]])  # the amount, and a blank strip
    assert read[0][0] == "45,30" and 0.5 < read[0][1] <= 1.0
    assert len(read) == 2 and read[1][0].strip() == ""
    assert rapidocr.read_lines([]) == []
    split = rapidocr.words_in_box("Total 45,30", 0.9, BBox(x0=0, y0=0, x1=110, y1=20), 7)
    assert [(w.text, w.line) for w in split] == [("Total", 7), ("45,30", 7)] and split[1].bbox.x0 > split[0].bbox.x1


def test_an_undecodable_file_raises_rapidocr_failed(tmp_path):
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"not an image at all")
    with pytest.raises(rapidocr.RapidOcrFailed):
        rapidocr.read_words(garbage)


def test_the_models_are_the_ones_bundled_in_site_packages():
    site_dirs = {Path(p).resolve() for p in [*site.getsitepackages(), sysconfig.get_paths()["purelib"]]}
    paths = rapidocr.model_paths()
    assert set(paths) == {"Det", "Rec", "Cls"}
    for path in paths.values():
        assert path.is_file() and any(folder in path.parents for folder in site_dirs), path
    params = rapidocr.engine_params()
    assert {params[f"{role}.model_path"] for role in paths} == {str(p) for p in paths.values()}
    assert params["EngineConfig.onnxruntime.intra_op_num_threads"] == 1


def test_a_fresh_engine_loads_and_reads_with_the_network_unavailable(page, monkeypatch):
    """No socket may connect and RapidOCR's downloader raises: a new engine still loads and reads."""
    from rapidocr import RapidOCR
    from rapidocr.utils import download_file

    def refuse(*args, **kwargs):
        raise AssertionError("RapidOCR tried to download a model")

    def no_network(self, address):
        raise OSError(f"network unavailable in this test ({address})")

    monkeypatch.setattr(download_file.DownloadFile, "run", classmethod(refuse))
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(rapidocr, "_engine", None)
    engine = rapidocr.engine()
    assert isinstance(engine, RapidOCR)
    assert "FACTURE" in {w.text for w in rapidocr.read_words(page)}


def test_words_from_result_splits_a_line_without_word_boxes():
    words = rapidocr.words_from_result(["Total TTC 45,30"], [0.9], [[[0, 0], [150, 0], [150, 20], [0, 20]]], [()], 200, 100)
    assert [w.text for w in words] == ["Total", "TTC", "45,30"]
    assert words[0].bbox.x0 == 0 and words[-1].bbox.x1 == 150 and words[0].bbox.x1 <= words[1].bbox.x0
    assert {w.line for w in words} == {1} and all(w.confidence == 0.9 for w in words)


def test_words_from_result_joins_the_pieces_spelling_a_word():
    """RapidOCR cuts words at wide letter gaps too: the line's text says where words end."""
    quad = [[0, 0], [10, 0], [10, 20], [0, 20]]
    pieces = [
        ("FACTURE", 0.99, quad),
        ("PHARM", 0.98, [[20, 0], [60, 0], [60, 20], [20, 20]]),
        ("ACIE", 0.9, [[66, 0], [100, 0], [100, 20], [66, 20]]),
    ]
    words = rapidocr.words_from_result(
        ["FACTURE PHARMACIE"], [0.95], [[[0, 0], [100, 0], [100, 20], [0, 20]]], [pieces], 200, 100
    )
    assert [(w.text, w.confidence, w.bbox.x0, w.bbox.x1) for w in words] == [
        ("FACTURE", 0.99, 0, 10),
        ("PHARMACIE", 0.9, 20, 100),
    ]


def test_words_from_result_clamps_boxes_to_the_image():
    word_boxes = [(("12,00", 0.8, [[-5, 10], [60, 10], [60, 130], [-5, 130]]),)]
    words = rapidocr.words_from_result(["12,00"], [0.8], [word_boxes[0][0][2]], word_boxes, 50, 100)
    assert words[0].bbox == BBox(x0=0, y0=10, x1=50, y1=100)


def test_check_reports_rapidocr_as_optional_in_fast_mode(monkeypatch):
    monkeypatch.setenv("INTAKE_OCR_MODE", "fast")
    problems: list[str] = []
    assert check._rapidocr(problems, required=False).startswith(f"{rapidocr.PINNED_VERSION} (onnxruntime ")
    monkeypatch.setattr(rapidocr, "versions", lambda: None)
    assert check._rapidocr(problems, required=False) == "" and problems == []


def test_check_in_accurate_mode_names_what_is_missing(monkeypatch):
    problems: list[str] = []
    assert check._rapidocr(problems, required=True) and problems == []  # the installed one passes
    monkeypatch.setattr(rapidocr, "versions", lambda: ("3.9.0", "1.20.0"))
    check._rapidocr(problems, required=True)
    monkeypatch.setattr(rapidocr, "versions", lambda: None)
    check._rapidocr(problems, required=True)
    assert "RapidOCR 3.9.0 is installed, 3.10.0 is needed" in problems[0]
    assert "needs the Python packages rapidocr and onnxruntime" in problems[1]


def test_an_oriented_reading_says_how_many_lines_its_classifier_found_upside_down(page):
    gray = cv2.imread(str(page), cv2.IMREAD_GRAYSCALE)
    words, turned = rapidocr.read_words_oriented(gray)
    assert [w.text for w in words] == [w.text for w in rapidocr.read_words(gray)] and turned < 0.5
    upside_down, turned = rapidocr.read_words_oriented(cv2.rotate(gray, cv2.ROTATE_180))
    assert turned > 0.5 and "FACTURE" in {w.text for w in upside_down}  # each line read turned back
