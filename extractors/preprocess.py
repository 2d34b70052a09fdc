"""Image clean-up before OCR with OpenCV: deskew, contrast stretch, light denoising, resizing."""

from __future__ import annotations

import cv2
import numpy as np
from cv2.typing import MatLike

# Pages are processed in parallel, one per core; OpenCV's own thread pool would only oversubscribe.
cv2.setNumThreads(1)

MAX_SKEW_DEGREES = 15.0
SKEW_STEP = 0.25
MIN_SKEW_TO_FIX = 0.3
TARGET_TEXT_HEIGHT = 28.0  # median blob height (mostly x-height..cap height) Tesseract reads best
TEXT_HEIGHT_BAND = (18.0, 48.0)  # inside this band the image is left at its size
TEXT_DPI = 300  # the resolution at which body text is TARGET_TEXT_HEIGHT pixels tall
MAX_LONG_SIDE = 4200  # beyond that Tesseract gets slower without reading better
ANALYSIS_WIDTH = 700  # skew is estimated on a reduced copy


def rotate_quadrant(gray: np.ndarray, degrees_clockwise: int) -> np.ndarray:
    """Rotate by a multiple of 90 degrees clockwise, losslessly."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    code = codes.get(degrees_clockwise % 360)
    return gray if code is None else cv2.rotate(gray, code)


def _ink_mask(gray: np.ndarray) -> np.ndarray:
    """Binary image where text ink is 1, from Otsu's threshold."""
    _, mask = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask


def _profile_score(mask: np.ndarray, angle: float) -> float:
    """How sharply text lines stand out in the row profile after rotating by `angle`."""
    height, width = mask.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    rotated = cv2.warpAffine(mask, matrix, (width, height), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float(np.sum(np.diff(rows) ** 2))


def estimate_skew(gray: np.ndarray) -> float:
    """Angle in degrees (counter-clockwise positive) that makes text lines horizontal."""
    scale = min(1.0, ANALYSIS_WIDTH / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    mask = _ink_mask(small)
    if mask.sum() < 50:
        return 0.0
    coarse = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 1e-6, 1.0)
    best = max(coarse, key=lambda a: _profile_score(mask, float(a)))
    fine = np.arange(best - 1.0, best + 1.0 + 1e-6, SKEW_STEP)
    return float(max(fine, key=lambda a: _profile_score(mask, float(a))))


def rotate_by(gray: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by `angle` degrees (counter-clockwise), growing the canvas, filling with the paper's tone."""
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(height * sin + width * cos), int(height * cos + width * sin)
    matrix[0, 2] += new_w / 2 - width / 2
    matrix[1, 2] += new_h / 2 - height / 2
    paper = int(np.percentile(gray[::4, ::4], 90))
    return cv2.warpAffine(gray, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=paper)


def stretch_contrast(gray: np.ndarray) -> np.ndarray:
    """Map ink (0.5th grey percentile) to black and paper (90th) to white when the page is washed out.

    Pages whose ink/paper gap is already wide, or too narrow to be ink at all, are left alone.
    """
    low, high = np.percentile(gray[::2, ::2], (0.5, 90))  # a quarter of the pixels tells as much
    if not 40 <= high - low < 160:
        return gray
    scaled = (gray.astype(np.float32) - low) * (255.0 / (high - low))
    return np.clip(scaled, 0, 255).astype(np.uint8)


def noise_level(gray: np.ndarray) -> float:
    """Median absolute Laplacian on a reduced copy: high for salt-and-pepper or sensor noise."""
    scale = min(1.0, ANALYSIS_WIDTH / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    return float(np.median(np.abs(cv2.Laplacian(small, cv2.CV_16S))))


def _half(gray: np.ndarray) -> np.ndarray:
    return cv2.resize(gray, (max(1, gray.shape[1] // 2), max(1, gray.shape[0] // 2)), interpolation=cv2.INTER_AREA)


def text_height(gray: np.ndarray) -> float | None:
    """Median height in pixels of character-like ink blobs, None when too few to tell.

    Measured on a half-size copy (four times cheaper; heights are doubled back)."""
    small = _half(gray) if min(gray.shape) >= 800 else gray
    scale = gray.shape[0] / small.shape[0]
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))  # join dot-matrix dots
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT] * scale
    widths = stats[1:, cv2.CC_STAT_WIDTH] * scale
    chars = heights[(heights >= 6) & (heights <= 300) & (widths <= 2 * heights) & (widths >= heights // 8)]
    if len(chars) < 20:
        return None
    return float(np.median(chars))


def resize_for_ocr(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, int]:
    """Scale so that characters are about TARGET_TEXT_HEIGHT pixels tall (what Tesseract reads best).

    A photo's DPI metadata is often absent or absurd, so the text itself sets the scale, and the
    resolution handed to Tesseract is the one that text height implies (body text of ~10 pt), not
    the file's.
    """
    height = text_height(gray)
    if height is None:
        factor = min(1.0, MAX_LONG_SIDE / max(gray.shape))
        return _scaled(gray, factor), max(70, round(dpi * factor))
    factor = 1.0
    if not TEXT_HEIGHT_BAND[0] <= height <= TEXT_HEIGHT_BAND[1]:
        factor = TARGET_TEXT_HEIGHT / height
    factor = min(factor, MAX_LONG_SIDE / max(gray.shape), 3.0)
    implied_dpi = round(TEXT_DPI * height * factor / TARGET_TEXT_HEIGHT)
    return _scaled(gray, factor), max(150, min(600, implied_dpi))


def _scaled(gray: np.ndarray, factor: float) -> np.ndarray:
    if abs(factor - 1.0) < 0.05:
        return gray
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=interpolation)


def shrink(gray: np.ndarray, factor: float) -> np.ndarray:
    """Downscale by `factor` (< 1) fast: exact 2x2 averaging while the factor allows, then bilinear for
    the last step (less than 2x, so nothing aliases). INTER_AREA at an arbitrary factor costs ~10x more."""
    while factor <= 0.5 and min(gray.shape) >= 2:
        gray = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        factor *= 2
    if abs(factor - 1.0) < 0.01:
        return gray
    size = (max(1, round(gray.shape[1] * factor)), max(1, round(gray.shape[0] * factor)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_LINEAR)


def flatten_background(gray: np.ndarray) -> np.ndarray:
    """Divide out the paper's tone (shadows, uneven light, dark table headers): ink dark on white.

    The background is the local maximum of a quarter-size copy, median-smoothed; the page becomes
    the distance from it, so large dark areas (a photo's surroundings) turn white while strokes stay.
    """
    height, width = gray.shape
    small = cv2.resize(gray, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA)
    background = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7)))
    background = cv2.medianBlur(background, 15)
    background = cv2.resize(background, (width, height), interpolation=cv2.INTER_LINEAR)
    flat = 255 - cv2.absdiff(gray, background)
    return cv2.normalize(flat, np.empty_like(flat), 0, 255, cv2.NORM_MINMAX)


def clear_border(gray: np.ndarray) -> np.ndarray:
    """Paint out dark shapes that touch the image edge and span a fifth of it (torn edges, table
    edges, the desk around a photographed sheet): they make Tesseract's layout analysis give up.

    Shapes are found on a half-size copy; the painted mask is scaled back (slightly dilated)."""
    small = _half(gray) if min(gray.shape) >= 800 else gray
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = small.shape
    x, y, w, h = (stats[:, i] for i in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
    touches = (x == 0) | (y == 0) | (x + w >= width) | (y + h >= height)
    large = (w > 0.2 * width) | (h > 0.2 * height)
    doomed = np.flatnonzero(touches & large)
    doomed = doomed[doomed != 0]  # label 0 is the background
    if doomed.size == 0:
        return gray
    mask: MatLike = np.isin(labels, doomed).astype(np.uint8)
    if small is not gray:
        mask = cv2.dilate(
            cv2.resize(mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST), np.ones((3, 3), np.uint8)
        )
    out = gray.copy()
    out[mask.astype(bool)] = 255
    return out


def clean(gray: np.ndarray) -> np.ndarray:
    """Light cleaning: flatten the background, clear dark borders, stretch contrast, and a
    median filter only on noisy pages."""
    gray = clear_border(flatten_background(gray))
    gray = stretch_contrast(gray)
    if noise_level(gray) > 6:
        gray = cv2.medianBlur(gray, 3)
    return gray


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Straighten the page; returns the image and the angle applied (0 when not worth it)."""
    angle = estimate_skew(gray)
    if abs(angle) < MIN_SKEW_TO_FIX:
        return gray, 0.0
    return rotate_by(gray, angle), angle
