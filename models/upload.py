"""A received file, as seen by the upload rules before any parsing."""

from __future__ import annotations

from enum import StrEnum

from models.base import Model
from models.flags import Flag


class MediaType(StrEnum):
    """The accepted file types, detected from content (magic bytes), never from the name."""

    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"


class Upload(Model):
    """A file accepted by the upload rules, ready to be split into pages."""

    index: int  # position in the request, from 0
    file: str  # the name the claimant gave it (never trusted as a type or a path)
    path: str  # where the bytes are read from, on this machine
    size: int
    sha256: str
    media_type: MediaType
    page_count: int
    flags: tuple[Flag, ...] = ()  # what the upload rules noted without refusing the file (active content)


class RejectedFile(Model):
    """A received file the upload rules refused: kept, accounted for, never processed."""

    index: int  # position in the request, from 0
    file: str
    size: int
    sha256: str | None
    detected_type: str | None
    flags: tuple[Flag, ...]


class UploadReport(Model):
    """What the upload rules made of a request's files, in the order they were received."""

    accepted: tuple[Upload, ...] = ()
    rejected: tuple[RejectedFile, ...] = ()
