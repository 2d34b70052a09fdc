"""Models pickled before a field was added (cached OCR pages of bench/accuracy.py) still load."""

from __future__ import annotations

import pickle

from models import OcrPage, TextSource


def test_a_pickle_made_before_the_optional_fields_loads_with_their_defaults():
    page = OcrPage(page=1, width=100, height=140, dpi=300, source=TextSource.OCR)
    state = dict(page.__getstate__())
    state["__dict__"] = {k: v for k, v in state["__dict__"].items() if k not in ("quality", "phash")}  # as pickled before them
    old = OcrPage.__new__(OcrPage)
    old.__setstate__(state)
    assert (old.quality, old.phash, old.page) == (None, None, 1)
    assert pickle.loads(pickle.dumps(old)) == page
