"""Which OCR the pages get, from the environment (pydantic-settings), read here and nowhere else:

INTAKE_OCR_MODE   accurate (default): Tesseract first, then RapidOCR re-reads the pages Tesseract read
                  doubtfully - receipt strips, few words, low confidence (extractors/second_reader.py
                  decides when, and which reading is kept): ~3x the CPU and ~0.5 GB more memory on
                  those pages;
                  fast: Tesseract alone.

`use_ocr_mode(mode)` sets it for this process and the processes it starts (e.g. a command-line option).
"""

from __future__ import annotations

import os
from enum import StrEnum

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.errors import ConfigError

ENV = "INTAKE_OCR_MODE"


class OcrMode(StrEnum):
    FAST = "fast"
    ACCURATE = "accurate"


# README "Two readers": accurate lifts real receipts' total from 81.6 to 97.1 % and their date from 86.4
# to 96.1 % for ~3x the CPU on those pages only (A4 pages Tesseract reads surely cost nothing more), and
# holds the 1 GiB bound on every hostile file (737 MiB at most)
DEFAULT_MODE = OcrMode.ACCURATE


class InvalidOcrMode(ConfigError, code="invalid_ocr_mode"):
    """INTAKE_OCR_MODE (or an option) names no OCR mode."""


class OcrSettings(BaseSettings):
    """The INTAKE_OCR_* variables (other INTAKE_* variables are ignored here)."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_OCR_", extra="ignore")

    mode: OcrMode = DEFAULT_MODE


def ocr_mode() -> OcrMode:
    """The OCR mode in force (read at each call, so a change by `use_ocr_mode` is seen by every page)."""
    try:
        return OcrSettings().mode
    except ValidationError as exc:
        raise InvalidOcrMode(f"{ENV}={os.environ.get(ENV, '')!r} is not an OCR mode: fast or accurate") from exc


def parse_mode(value: str | OcrMode) -> OcrMode:
    """An OCR mode from its name; InvalidOcrMode otherwise."""
    try:
        return OcrMode(str(value).strip().lower())
    except ValueError as exc:
        raise InvalidOcrMode(f"{value!r} is not an OCR mode: fast or accurate") from exc


def use_ocr_mode(mode: str | OcrMode) -> OcrMode:
    """Set the OCR mode for this process and the processes it starts (`intake extract --ocr MODE`)."""
    chosen = parse_mode(mode)
    os.environ[ENV] = chosen.value
    return chosen
