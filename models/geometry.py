"""Boxes on a page, in pixels of the page's working image (300 dpi for rendered PDFs)."""

from __future__ import annotations

from pydantic import model_validator

from models.base import Model


class BBox(Model):
    """Axis-aligned box: left, top, right, bottom, in page pixels."""

    x0: int
    y0: int
    x1: int
    y1: int

    @model_validator(mode="after")
    def _ordered(self) -> BBox:
        if self.x1 < self.x0 or self.y1 < self.y0:
            raise ValueError(f"box corners out of order: {self}")
        return self

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
