"""Upload rules: how many files, how large, which types (by content), and whether they decode.

Every received file ends up either accepted (an `Upload`) or rejected (a `RejectedFile` with a flag
naming it); one bad file never stops the others.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import filetype
from PIL import Image, UnidentifiedImageError

from infra.tools import pdf
from models import FlagCode, MediaType, RejectedFile, Upload, UploadReport
from models.errors import InputError
from validators.flag_wording import make_flag

MAX_FILES = 10
MAX_BYTES = 3 * 1024 * 1024
MAX_PIXELS = 80_000_000  # a 3 MB file that decodes to more is a decompression bomb
PDF_MAGIC_WINDOW = 1024  # the PDF header may follow a little junk (ISO 32000-1, 7.5.2 tolerance)

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class UploadRejected(InputError):
    """A file broke an upload rule; carries the flag code and the reason."""

    code = "upload_rejected"

    def __init__(self, flag_code: FlagCode, reason: str, detected_type: str | None = None):
        super().__init__(reason)
        self.flag_code = flag_code
        self.reason = reason
        self.detected_type = detected_type


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sniff_media_type(head: bytes) -> tuple[MediaType | None, str | None]:
    """(accepted media type or None, detected MIME type for messages) from the first bytes."""
    if b"%PDF-" in head[:PDF_MAGIC_WINDOW]:
        return MediaType.PDF, MediaType.PDF.value
    kind = filetype.guess(head)
    detected = kind.mime if kind else None
    accepted = {MediaType.JPEG.value: MediaType.JPEG, MediaType.PNG.value: MediaType.PNG}
    return accepted.get(detected or ""), detected


def pdf_page_count(path: Path) -> int:
    """Pages of a PDF that opens without a password; raises UploadRejected otherwise."""
    try:
        count = pdf.page_count(path)
    except pdf.PdfEncrypted as exc:
        raise UploadRejected(FlagCode.ENCRYPTED_PDF, "le PDF est protégé par un mot de passe") from exc
    except pdf.PdfDamaged as exc:
        raise UploadRejected(FlagCode.UNREADABLE_FILE, "le PDF est endommagé ou tronqué") from exc
    if count == 0:
        raise UploadRejected(FlagCode.UNREADABLE_FILE, "le PDF ne contient aucune page")
    return count


def check_image_decodes(path: Path) -> int:
    """Fully decode an image (a truncated one fails); returns its frame count (1)."""
    try:
        with Image.open(path) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UploadRejected(FlagCode.UNREADABLE_FILE, "l'image ne peut pas être décodée") from exc
    return 1


def inspect_file(path: Path) -> tuple[MediaType, int]:
    """Apply the per-file rules: size, type by content, decodability. Returns (type, pages)."""
    size = path.stat().st_size
    if size == 0:
        raise UploadRejected(FlagCode.EMPTY_FILE, "le fichier est vide")
    if size > MAX_BYTES:
        raise UploadRejected(
            FlagCode.FILE_TOO_LARGE,
            f"le fichier pèse {size / 1024 / 1024:.1f} Mo, au-delà de la limite de 3 Mo",
        )
    with path.open("rb") as handle:
        head = handle.read(PDF_MAGIC_WINDOW)
    media_type, detected = sniff_media_type(head)
    if media_type is None:
        shown = detected or "inconnu"
        raise UploadRejected(
            FlagCode.UNSUPPORTED_FORMAT,
            f"format {shown} non accepté (PDF, JPG ou PNG uniquement)",
            detected_type=detected,
        )
    try:
        pages = pdf_page_count(path) if media_type is MediaType.PDF else check_image_decodes(path)
    except UploadRejected as exc:
        exc.detected_type = media_type.value
        raise
    return media_type, pages


def rejection(index: int, name: str, path: Path, code: FlagCode, reason: str, detected: str | None) -> RejectedFile:
    """A RejectedFile whose flag names the file and says why."""
    exists = path.is_file()
    return RejectedFile(
        index=index,
        file=name,
        size=path.stat().st_size if exists else 0,
        sha256=sha256_of(path) if exists else None,
        detected_type=detected,
        flags=(make_flag(code, file=name, reason=reason),),
    )


def check_uploads(paths: Sequence[str | os.PathLike[str]]) -> UploadReport:
    """Sort a request's files into accepted uploads and rejected files, in the order received."""
    accepted: list[Upload] = []
    rejected: list[RejectedFile] = []
    for index, raw_path in enumerate(paths):
        path = Path(raw_path)
        name = path.name
        if index >= MAX_FILES:
            reason = f"fichier n°{index + 1} : au plus {MAX_FILES} fichiers par demande (au-delà, formulaire papier)"
            rejected.append(rejection(index, name, path, FlagCode.TOO_MANY_FILES, reason, None))
            continue
        try:
            media_type, pages = inspect_file(path)
        except UploadRejected as exc:
            rejected.append(rejection(index, name, path, exc.flag_code, exc.reason, exc.detected_type))
            continue
        accepted.append(
            Upload(
                index=index,
                file=name,
                path=str(path.resolve()),
                size=path.stat().st_size,
                sha256=sha256_of(path),
                media_type=media_type,
                page_count=pages,
            )
        )
    return UploadReport(accepted=tuple(accepted), rejected=tuple(rejected))
