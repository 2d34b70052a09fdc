"""Boxes on a page, in pixels of the page's working image (300 dpi for rendered PDFs)."""

from __future__ import annotations

from models.base import Model, invariant


class BBox(Model):
    """Axis-aligned box: left, top, right, bottom, in page pixels."""

    x0: int
    y0: int
    x1: int
    y1: int

    _ordered = invariant(lambda box: box.x0 <= box.x1 and box.y0 <= box.y1, "box corners out of order: {model}")

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def union(self, other: BBox) -> BBox:
        """Smallest box holding both boxes."""
        return BBox(
            x0=min(self.x0, other.x0),
            y0=min(self.y0, other.y0),
            x1=max(self.x1, other.x1),
            y1=max(self.y1, other.y1),
        )
