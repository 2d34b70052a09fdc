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
        return [w for w, (s, e) in zip(self.words, self.spans, strict=True) if s < end and e > start]

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


def _overlapping(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Two vertical spans sit on one visual row when they overlap by half the smaller height."""
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap >= 0.5 * max(1.0, min(a[1] - a[0], b[1] - b[0]))


MAX_SLOPE = 0.1


def text_slope(lines: Sequence[Sequence[Word]]) -> float:
    """The page's residual text slope (dy/dx), the median over the OCR lines of three words or more:
    a photographed page is rarely straight, and its rows must be followed along their slope."""
    slopes = []
    for words in lines:
        if len(words) < 3:
            continue
        xs = [(w.bbox.x0 + w.bbox.x1) / 2 for w in words]
        ys = [(w.bbox.y0 + w.bbox.y1) / 2 for w in words]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        spread = sum((x - mx) ** 2 for x in xs)
        if spread > 0 and max(xs) - min(xs) > 150:
            slopes.append(sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread)
    if not slopes:
        return 0.0
    slopes.sort()
    return max(-MAX_SLOPE, min(MAX_SLOPE, slopes[len(slopes) // 2]))


def _span(words: Sequence[Word], slope: float) -> tuple[float, float]:
    """Vertical extent of words once the page's slope is taken out."""
    shifts = [slope * (w.bbox.x0 + w.bbox.x1) / 2 for w in words]
    return min(w.bbox.y0 - d for w, d in zip(words, shifts, strict=True)), max(
        w.bbox.y1 - d for w, d in zip(words, shifts, strict=True)
    )


def split_stacked(words: Sequence[Word], slope: float = 0.0) -> list[list[Word]]:
    """An OCR 'line' that is really words of several visual rows (a table column read as one line, two
    close rows of a photographed page) cut into one group per row; a normal line comes back whole."""
    heights = sorted(w.bbox.height for w in words)
    median = max(1, heights[len(heights) // 2])
    centre = {id(w): (w.bbox.y0 + w.bbox.y1) / 2 - slope * (w.bbox.x0 + w.bbox.x1) / 2 for w in words}
    if max(centre.values()) - min(centre.values()) <= 0.6 * median:
        return [list(words)]
    groups: list[list[Word]] = []
    for word in sorted(words, key=lambda w: centre[id(w)]):
        if groups and centre[id(word)] - centre[id(groups[-1][-1])] <= 0.5 * median:
            groups[-1].append(word)
        else:
            groups.append([word])
    return groups


def page_rows(page: OcrPage) -> list[list[Word]]:
    """OCR lines merged into visual rows (a label and its amount in another column block), following
    the page's text slope."""
    ocr_lines = page.lines()
    slope = text_slope(ocr_lines)
    pieces = [group for words in ocr_lines for group in split_stacked(words, slope)]
    rows: list[tuple[tuple[float, float], list[Word]]] = []
    for words in sorted(pieces, key=lambda ws: _span(ws, slope)[0]):
        span = _span(words, slope)
        for i, (row_span, row_words) in enumerate(rows):
            if _overlapping(row_span, span):
                rows[i] = ((min(row_span[0], span[0]), max(row_span[1], span[1])), row_words + words)
                break
        else:
            rows.append((span, list(words)))
    rows.sort(key=lambda r: (r[0][0], min(w.bbox.x0 for w in r[1])))
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
