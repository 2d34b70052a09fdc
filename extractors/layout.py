"""Text lines rebuilt from word boxes, so a regex match on a line maps back to its words' boxes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from models import BBox, OcrPage, Word


@dataclass(frozen=True)
class Line:
    """One line of words on a page, with each word's character span in `text`."""

    page: int
    words: tuple[Word, ...]
    text: str
    spans: tuple[tuple[int, int], ...]
    index: int  # position of the line in the document's reading order

    @property
    def bbox(self) -> BBox:
        return union_boxes(w.bbox for w in self.words)

    def words_in(self, start: int, end: int) -> list[Word]:
        """Words overlapping the character range [start, end) of `text`."""
        return [w for w, (s, e) in zip(self.words, self.spans) if s < end and e > start]

    def locate(self, start: int, end: int) -> tuple[BBox, float]:
        """Box and mean confidence of the words under a character range."""
        words = self.words_in(start, end) or list(self.words)
        return union_boxes(w.bbox for w in words), sum(w.confidence for w in words) / len(words)


def union_boxes(boxes: Iterable[BBox]) -> BBox:
    """Smallest box holding all the boxes (at least one)."""
    iterator = iter(boxes)
    result = next(iterator)
    for box in iterator:
        result = result.union(box)
    return result


def make_line(page: int, words: Sequence[Word], index: int) -> Line:
    """Join words with single spaces, remembering each word's character span."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    cursor = 0
    for word in words:
        spans.append((cursor, cursor + len(word.text)))
        parts.append(word.text)
        cursor += len(word.text) + 1
    return Line(page=page, words=tuple(words), text=" ".join(parts), spans=tuple(spans), index=index)


def _same_row(a: BBox, b: BBox) -> bool:
    """Two boxes sit on one visual row when they overlap vertically by half the smaller height."""
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap >= 0.5 * max(1, min(a.height, b.height))


def page_rows(page: OcrPage) -> list[list[Word]]:
    """OCR lines merged into visual rows (a label and its amount in another column block)."""
    rows: list[tuple[BBox, list[Word]]] = []
    for words in sorted(page.lines(), key=lambda ws: min(w.bbox.y0 for w in ws)):
        box = union_boxes(w.bbox for w in words)
        for i, (row_box, row_words) in enumerate(rows):
            if _same_row(row_box, box):
                rows[i] = (row_box.union(box), row_words + words)
                break
        else:
            rows.append((box, list(words)))
    rows.sort(key=lambda r: (r[0].y0, r[0].x0))
    return [sorted(ws, key=lambda w: w.bbox.x0) for _, ws in rows]


def document_lines(pages: Sequence[OcrPage]) -> list[Line]:
    """All visual rows of all pages, top to bottom, page after page."""
    lines: list[Line] = []
    for page in pages:
        for words in page_rows(page):
            lines.append(make_line(page.page, words, len(lines)))
    return lines


def lines_below(lines: Sequence[Line], line: Line, max_lines: int = 2) -> list[Line]:
    """The next few lines on the same page that overlap `line` horizontally."""
    found: list[Line] = []
    box = line.bbox
    for other in lines[line.index + 1 :]:
        if other.page != line.page or len(found) >= max_lines:
            break
        obox = other.bbox
        if obox.x1 >= box.x0 and obox.x0 <= box.x1 + box.width:
            found.append(other)
    return found
