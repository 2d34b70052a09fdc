"""Image clean-up before OCR with OpenCV: deskew, contrast stretch, light denoising, resizing."""

from __future__ import annotations

import cv2
import numpy as np

MAX_SKEW_DEGREES = 15.0
SKEW_STEP = 0.25
MIN_SKEW_TO_FIX = 0.3
TARGET_DPI = 300
MAX_LONG_SIDE = 4200  # beyond that Tesseract gets slower without reading better
ANALYSIS_WIDTH = 900  # skew is estimated on a reduced copy


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
    paper = int(np.percentile(gray, 90))
    return cv2.warpAffine(gray, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=paper)


def stretch_contrast(gray: np.ndarray) -> np.ndarray:
    """Map the 1st..99th grey percentiles onto 0..255 when the page is washed out."""
    low, high = np.percentile(gray, (1, 99))
    if high - low >= 160 or high <= low:
        return gray
    scaled = (gray.astype(np.float32) - low) * (255.0 / (high - low))
    return np.clip(scaled, 0, 255).astype(np.uint8)


def noise_level(gray: np.ndarray) -> float:
    """Median absolute Laplacian on a reduced copy: high for salt-and-pepper or sensor noise."""
    scale = min(1.0, ANALYSIS_WIDTH / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    return float(np.median(np.abs(cv2.Laplacian(small, cv2.CV_16S))))


def resize_for_ocr(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, int]:
    """Bring very large or very small images to a resolution Tesseract reads well."""
    long_side = max(gray.shape)
    factor = 1.0
    if long_side > MAX_LONG_SIDE:
        factor = MAX_LONG_SIDE / long_side
    elif dpi < 200:
        factor = min(2.0, TARGET_DPI / max(dpi, 1))
    if abs(factor - 1.0) < 0.05:
        return gray, dpi
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    resized = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=interpolation)
    return resized, max(1, round(dpi * factor))


def clean(gray: np.ndarray) -> np.ndarray:
    """Light cleaning: contrast stretch, and a median filter only on noisy pages."""
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
