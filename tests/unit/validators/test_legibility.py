"""Page legibility: measures on real generated pages (read by Tesseract), the score, the `illegible` flag."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from extractors import preprocess
from extractors.page_reader import ocr_page_image
from extractors.pages import PageImage, load_image_page
from extractors.quality import ink_contrast, normalised, sharpness, text_layer_quality
from models import BBox, FlagCode, OcrPage, PageQuality, Severity, TextSource, Word
from models.quality import legibility_score
from samples.generator import degrade, render
from samples.generator.corpus import generate
from validators.legibility import ILLEGIBLE_BELOW, illegible_flags, main_cause


@pytest.fixture(scope="module")
def invoice(tmp_path_factory) -> PageImage:
    """A clean generated pharmacy invoice, as a 200 dpi photo-like PNG."""
    path = tmp_path_factory.mktemp("legibility") / "invoice.png"
    generate("pharmacy_invoice", "png", "clean", 17, path)
    return load_image_page(str(path))


@pytest.fixture(scope="module")
def read(invoice) -> dict[str, OcrPage]:
    """The invoice and a strongly blurred copy (Gaussian sigma 8 px at 200 dpi), each read by the pipeline."""
    blurred = PageImage(gray=degrade.blur(invoice.gray, 8.0), dpi=invoice.dpi)
    return {"clean": ocr_page_image(invoice, 1), "blurred": ocr_page_image(blurred, 2)}


def test_a_blurred_page_scores_lower_than_its_clean_original(read):
    clean, blurred = read["clean"].quality, read["blurred"].quality
    assert clean.score >= ILLEGIBLE_BELOW
    assert blurred.score < clean.score and blurred.score < ILLEGIBLE_BELOW
    assert blurred.blur < clean.blur / 10
    assert main_cause(blurred) == "blur"


def test_the_blurred_page_alone_is_flagged_illegible(read):
    flags = illegible_flags("ordonnance.jpg", [read["clean"], read["blurred"]])
    assert [(f.code, f.severity, f.file, f.page) for f in flags] == [(FlagCode.ILLEGIBLE, Severity.ERROR, "ordonnance.jpg", 2)]
    assert flags[0].message == "ordonnance.jpg, page 2 : document illisible (flou)."


def test_pages_read_carry_their_hash(read):
    assert all(len(page.phash or "") == 16 for page in read.values())


@pytest.mark.parametrize("dpi", [150, 300])
def test_sharpness_does_not_depend_on_the_resolution(tmp_path, dpi):
    """The same sheet at 150 and 300 dpi measures within a factor 3; a blur that makes it unreadable
    divides the measure by more than 10."""
    pdf = tmp_path / "invoice.pdf"
    generate("pharmacy_invoice", "pdf_text", "clean", 17, pdf)

    def measure(image, at):
        gray, implied = preprocess.resize_for_ocr(preprocess.clean(image), at)
        return sharpness(normalised(gray, implied))

    reference = measure(render.rasterise(pdf, 200)[0], 200)
    page = render.rasterise(pdf, dpi)[0]
    assert reference / 3 < measure(page, dpi) < reference * 3
    assert measure(degrade.blur(page, 8.0 * dpi / 200), dpi) < reference / 10


def test_a_faded_page_has_little_contrast(invoice):
    faded = degrade.low_contrast(invoice.gray, 222, 226)
    assert ink_contrast(invoice.gray) > 150
    assert ink_contrast(faded) < 8
    assert ink_contrast(np.full((50, 40), 240, np.uint8)) == 0.0  # one grey: no ink at all
    measured = PageQuality(blur=5000.0, contrast=ink_contrast(faded), text_density=0.02, ocr_confidence=0.3, score=0.0)
    assert main_cause(measured) == "contrast"


def quality(blur=5000.0, contrast=150.0, text_density=0.03, ocr_confidence=0.93) -> PageQuality:
    return PageQuality(blur=blur, contrast=contrast, text_density=text_density, ocr_confidence=ocr_confidence, score=0.0)


def test_the_score_never_drops_when_a_measure_improves():
    grids = {
        "blur": [10.0, 100.0, 300.0, 1000.0, 30000.0],
        "contrast": [0.0, 5.0, 10.0, 20.0, 200.0],
        "text_density": [0.0, 0.001, 0.003, 0.05],
        "ocr_confidence": [0.0, 0.4, 0.6, 0.9],
    }
    for values in itertools.product(*grids.values()):
        measures = dict(zip(grids, values, strict=True))
        score = legibility_score(quality(**measures))
        assert 0.0 <= score <= 1.0
        for name, grid in grids.items():
            for better in (v for v in grid if v > measures[name]):
                assert legibility_score(quality(**{**measures, name: better})) >= score


@pytest.mark.parametrize(
    "measures, cause, words",
    [
        ({"blur": 20.0}, "blur", "flou"),
        ({"contrast": 3.0}, "contrast", "contraste"),
        ({"text_density": 0.0, "ocr_confidence": 0.0}, "text_density", "peu de texte"),
        ({"ocr_confidence": 0.35}, "ocr_confidence", "lecture OCR incertaine"),
    ],
)
def test_the_flag_names_the_main_cause(measures, cause, words):
    bad = quality(**measures)
    bad = bad.model_copy(update={"score": legibility_score(bad)})
    assert main_cause(bad) == cause
    page = OcrPage(page=3, width=1000, height=1400, dpi=300, source=TextSource.OCR, quality=bad)
    (flag,) = illegible_flags("ticket.pdf", [page])
    assert flag.message.startswith("ticket.pdf, page 3 : document illisible (") and words in flag.message


def test_text_layer_pages_and_pages_without_measures_are_never_flagged():
    word = Word(text="Facture", confidence=1.0, bbox=BBox(x0=10, y0=10, x1=110, y1=40), block=0, line=1)
    page = OcrPage(page=1, width=2480, height=3508, dpi=300, source=TextSource.TEXT_LAYER, words=(word,))
    measured = text_layer_quality(page)
    assert (measured.score, measured.ocr_confidence, measured.blur, measured.contrast) == (1.0, 1.0, None, None)
    pages = [page.model_copy(update={"quality": measured}), page.model_copy(update={"page": 2})]  # the second: no measures
    assert illegible_flags("facture.pdf", pages) == []


def test_a_threshold_can_be_given():
    measured = quality(ocr_confidence=0.7).model_copy(update={"score": 0.8})
    page = OcrPage(page=1, width=10, height=10, dpi=300, source=TextSource.OCR, quality=measured)
    assert illegible_flags("a.jpg", [page], threshold=0.9) and not illegible_flags("a.jpg", [page], threshold=0.5)


def test_a_blank_back_page_beside_a_legible_one_is_not_illegible(read, invoice):
    import numpy as np

    blank = ocr_page_image(PageImage(gray=np.full_like(invoice.gray, 250), dpi=invoice.dpi), 2)
    assert illegible_flags("facture.pdf", [read["clean"], blank]) == []
    alone = illegible_flags("verso.jpg", [blank])
    assert [f.code for f in alone] == [FlagCode.ILLEGIBLE] and alone[0].message_en.startswith("verso.jpg, page 2: illegible")
