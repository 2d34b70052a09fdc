"""Degradations of a grayscale page raster, as phones and scanners produce them.

Each function is pure (image in, image out) and takes its randomness from the caller's RNGs.
`apply` dispatches on the variant name and reports what it did (quarter-turn, skew angle) for the
ground truth. Conventions: `rotation` is the clockwise quarter-turn applied to the page (0/90/180/270);
`skew_angle` is the counter-clockwise angle in degrees applied to the content.
"""

from __future__ import annotations

import random

import cv2
import numpy as np


def pad_to_ratio(image: np.ndarray, ratio: float, fill: int) -> np.ndarray:
    """Pad an image with `fill` until height / width == ratio (content centred)."""
    height, width = image.shape[:2]
    if height / width < ratio:
        extra = round(width * ratio) - height
        return cv2.copyMakeBorder(image, extra // 2, extra - extra // 2, 0, 0, cv2.BORDER_CONSTANT, value=fill)
    extra = round(height / ratio) - width
    return cv2.copyMakeBorder(image, 0, 0, extra // 2, extra - extra // 2, cv2.BORDER_CONSTANT, value=fill)


def skew(image: np.ndarray, angle: float, fill: int = 255) -> np.ndarray:
    """Rotate by `angle` degrees (counter-clockwise) without clipping, then back to the original size and aspect."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(height * sin + width * cos), int(height * cos + width * sin)
    matrix[0, 2] += new_w / 2 - width / 2
    matrix[1, 2] += new_h / 2 - height / 2
    turned = cv2.warpAffine(image, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=fill)
    turned = pad_to_ratio(turned, height / width, fill)
    return cv2.resize(turned, (width, height), interpolation=cv2.INTER_AREA)


def blur(image: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), sigma)


def gaussian_noise(image: np.ndarray, gen: np.random.Generator, sigma: float) -> np.ndarray:
    return np.clip(image.astype(np.int16) + gen.normal(0, sigma, image.shape).astype(np.int16), 0, 255).astype(np.uint8)


def salt_pepper(image: np.ndarray, gen: np.random.Generator, amount: float) -> np.ndarray:
    out = image.copy()
    mask = gen.random(image.shape)
    out[mask < amount / 2] = 0
    out[mask > 1 - amount / 2] = 255
    return out


def low_contrast(image: np.ndarray, ink: int, paper: int) -> np.ndarray:
    """Squeeze the grey range: black becomes `ink`, white becomes `paper`."""
    return (image.astype(np.float32) * ((paper - ink) / 255.0) + ink).astype(np.uint8)


def quarter_turn(image: np.ndarray, clockwise: int) -> np.ndarray:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(image, codes[clockwise]) if clockwise in codes else image


def lighting(shape: tuple[int, int], gen: np.random.Generator) -> np.ndarray:
    """A smooth multiplicative light field: a bright spot and a darker corner (shadow)."""
    height, width = shape
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = gen.uniform(0.2, 0.8) * width, gen.uniform(0.2, 0.8) * height
    distance = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / np.hypot(width, height)
    return np.clip(1.05 - gen.uniform(0.35, 0.6) * distance, 0.55, 1.05)


def photo(image: np.ndarray, rng: random.Random, gen: np.random.Generator, angle: float) -> np.ndarray:
    """A phone photo of the sheet: slight perspective and rotation, table background, uneven light, colour cast."""
    height, width = image.shape[:2]
    inset = lambda: gen.uniform(0.01, 0.06)  # noqa: E731
    src = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    dst = np.float32(
        [
            [inset() * width, inset() * height],
            [(1 - inset()) * width, inset() * height],
            [(1 - inset()) * width, (1 - inset()) * height],
            [inset() * width, (1 - inset()) * height],
        ]
    )
    table = int(gen.integers(60, 150))
    warped = cv2.warpPerspective(
        skew(image, angle, 255), cv2.getPerspectiveTransform(src, dst), (width, height), flags=cv2.INTER_LINEAR, borderValue=table
    )
    lit = warped.astype(np.float32) * lighting((height, width), gen)
    lit = cv2.GaussianBlur(lit, (0, 0), 0.7) + gen.normal(0, 3, lit.shape).astype(np.float32)
    tint = np.array([rng.uniform(0.82, 0.95), rng.uniform(0.93, 1.0), 1.0], dtype=np.float32)  # BGR: warm indoor light
    return np.clip(lit[..., None] * tint, 0, 255).astype(np.uint8)


def apply(
    image: np.ndarray, variant: str, rng: random.Random, gen: np.random.Generator, rotation: int = 0, angle: float = 0.0
) -> np.ndarray:
    """Degrade one page for `variant`; `rotation` and `angle` are drawn once per document by the caller."""
    if variant == "skew":
        return skew(image, angle, rng.choice([255, 255, 235, 200]))
    if variant == "blur":
        return blur(image, rng.uniform(1.0, 1.8))
    if variant == "noise":
        if rng.random() < 0.5:
            return salt_pepper(image, gen, rng.uniform(0.01, 0.04))
        return gaussian_noise(image, gen, rng.uniform(10, 25))
    if variant == "low_contrast":
        return low_contrast(image, rng.randint(100, 140), rng.randint(185, 215))
    if variant in ("rot90", "rot180"):
        return quarter_turn(image, rotation)
    if variant == "photo":
        return photo(image, rng, gen, angle)
    return image


def draw_geometry(variant: str, rng: random.Random) -> tuple[int, float | None]:
    """(clockwise quarter-turn, skew angle) of a document for its variant."""
    if variant == "rot90":
        return rng.choice([90, 270]), None
    if variant == "rot180":
        return 180, None
    if variant == "skew":
        return 0, round(rng.choice([-1, 1]) * rng.uniform(3, 10), 2)
    if variant == "photo":
        return 0, round(rng.uniform(-4, 4), 2)
    return 0, None
