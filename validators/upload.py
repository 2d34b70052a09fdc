"""Upload rules: how many files, how large, how many pages and pixels, which types (by content), and
whether they decode.

Every received file ends up either accepted (an `Upload`) or rejected (a `RejectedFile` with a flag
naming it); one bad file never stops the others. The bounds are checked from what the file declares
(page tree, image header) before anything costly is paid: a 5,000-page PDF is refused on its count, a
149-megapixel PNG on its header. They are module constants, like MAX_FILES and MAX_BYTES: they protect
the machine (memory, time), they are not an insurer's policy, and `check_uploads` (a stage taking
only the paths) does not see the rules file.

A file is the type its first bytes say. A PDF may carry up to 1 KiB of junk before `%PDF-` (readers
allow it: a mail or HTTP header left in front), but not when the file starts as a known image or as a
container, archive or executable (ZIP, RAR, 7z, gzip, bzip2, xz, MZ, ELF...): that is another kind of
file holding a PDF, refused as `unsupported_format` whatever follows. Active content in a PDF
(JavaScript, actions, embedded files, rich media) is never run; it is named in an `active_content`
flag for the manager and the document is read as any other.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import filetype
from PIL import Image, UnidentifiedImageError

from infra.tools import pdf
from infra.tools.memory_gate import GATE, picture_bytes
from models import Flag, FlagCode, MediaType, RejectedFile, Upload, UploadReport
from models.errors import InputError
from validators.flag_wording import make_flag

MAX_FILES = 10
MAX_BYTES = 3 * 1024 * 1024
MAX_PIXELS = 80_000_000  # an image of this many pixels or more is refused from its header (a decompression bomb)
MAX_FILE_PAGES = 50  # pages of one PDF
MAX_REQUEST_PAGES = 100  # pages of all the accepted files of one request
PDF_MAGIC_WINDOW = 1024  # the PDF header may follow a little junk (ISO 32000-1, 7.5.2 tolerance)
# First bytes of containers, archives and executables: a file starting so is never a PDF, whatever follows
CONTAINER_SIGNATURES = {
    b"PK\x03\x04": "application/zip",
    b"PK\x05\x06": "application/zip",
    b"PK\x07\x08": "application/zip",
    b"Rar!\x1a\x07": "application/vnd.rar",
    b"7z\xbc\xaf\x27\x1c": "application/x-7z-compressed",
    b"\x1f\x8b": "application/gzip",
    b"BZh": "application/x-bzip2",
    b"\xfd7zXZ\x00": "application/x-xz",
    b"\x28\xb5\x2f\xfd": "application/zstd",
    b"MSCF": "application/vnd.ms-cab-compressed",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "application/x-ole-storage",
    b"MZ": "application/x-msdownload",
    b"\x7fELF": "application/x-executable",
    b"\xca\xfe\xba\xbe": "application/x-mach-binary",
    b"\xcf\xfa\xed\xfe": "application/x-mach-binary",
    b"#!": "text/x-shellscript",
    b"070701": "application/x-cpio",
    b"070702": "application/x-cpio",
    b"070707": "application/x-cpio",
    b"\xc7\x71": "application/x-cpio",
    b"\x71\xc7": "application/x-cpio",
}

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow only warns below twice this: the exact cap is ours (`check_image`)


class UploadRejected(InputError):
    """A file broke an upload rule; carries the flag code and the reason."""

    code = "upload_rejected"

    def __init__(
        self,
        flag_code: FlagCode,
        reason: str,
        detected_type: str | None = None,
        variant: str | None = None,
        details: dict[str, str] | None = None,
        **values: Any,
    ):
        super().__init__(reason)
        self.flag_code = flag_code
        self.reason = reason
        self.detected_type = detected_type
        self.variant = variant  # the flag's wording variant (validators/rules/flag_messages.toml)
        self.details = details or {}
        self.values = values

    def flag(self, name: str) -> Flag:
        """The flag naming the refused file."""
        return make_flag(self.flag_code, file=name, variant=self.variant, details=self.details, reason=self.reason, **self.values)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def container_type(head: bytes) -> str | None:
    """The MIME type of the container, archive or executable `head` starts as; None otherwise."""
    return next((mime for signature, mime in CONTAINER_SIGNATURES.items() if head.startswith(signature)), None)


def sniff_media_type(head: bytes) -> tuple[MediaType | None, str | None]:
    """(accepted media type or None, detected MIME type for messages) from the first bytes: the type
        they START as. `%PDF-` later in the first KiB counts only after text junk that is no known file type
    (a header line, a BOM): binary junk (NUL bytes: an archive's header, a CPIO or tar entry) is no PDF."""
    container = container_type(head)
    if container:
        return None, container
    if head.startswith(b"%PDF-"):
        return MediaType.PDF, MediaType.PDF.value
    kind = filetype.guess(head)
    detected = kind.mime if kind else None
    if detected is None and b"%PDF-" in head[:PDF_MAGIC_WINDOW]:
        if b"\x00" in head[: head.index(b"%PDF-")]:  # binary junk first: an archive or container holding a PDF, not a PDF
            return None, "application/octet-stream"
        return MediaType.PDF, MediaType.PDF.value
    accepted = {MediaType.JPEG.value: MediaType.JPEG, MediaType.PNG.value: MediaType.PNG}
    return accepted.get(detected or ""), detected


def too_many_pages(pages: int, reason: str, detected: str | None = None) -> UploadRejected:
    return UploadRejected(
        FlagCode.TOO_MANY_PAGES,
        reason,
        detected,
        pages=pages,
        max_pages=MAX_FILE_PAGES,
        max_request_pages=MAX_REQUEST_PAGES,
        details={"pages": str(pages)},
    )


def pdf_page_count(path: Path) -> int:
    """Pages of a PDF that opens without a password and has at most MAX_FILE_PAGES; raises
    UploadRejected otherwise (the count is read from the page tree: no page is rendered)."""
    try:
        count = pdf.page_count(path, limit=MAX_FILE_PAGES)
    except pdf.PdfEncrypted as exc:
        raise UploadRejected(FlagCode.ENCRYPTED_PDF, "le PDF est protégé par un mot de passe") from exc
    except pdf.PdfDamaged as exc:
        raise UploadRejected(FlagCode.UNREADABLE_FILE, "le PDF est endommagé ou tronqué") from exc
    if count == 0:
        raise UploadRejected(FlagCode.UNREADABLE_FILE, "le PDF ne contient aucune page")
    if count > MAX_FILE_PAGES:
        raise too_many_pages(count, f"le PDF compte {count} pages, au-delà de la limite de {MAX_FILE_PAGES} pages par fichier")
    return count


def too_many_pixels(pixels: int | None) -> UploadRejected:
    shown = f"{pixels / 1e6:.0f}" if pixels is not None else f"plus de {2 * MAX_PIXELS // 1_000_000}"
    return UploadRejected(
        FlagCode.FILE_TOO_LARGE,
        f"l'image fait {shown} mégapixels, au-delà de la limite de {MAX_PIXELS // 1_000_000} mégapixels",
        variant="pixels",
        max_megapixels=MAX_PIXELS // 1_000_000,
        details={"cause": "pixels", **({"pixels": str(pixels)} if pixels is not None else {})},
    )


def check_image_decodes(path: Path) -> int:
    """Check an image's size from its header (zero or MAX_PIXELS and more: refused before decoding),
    then decode it fully (a truncated one fails); returns its frame count (1)."""
    undecodable = UploadRejected(FlagCode.UNREADABLE_FILE, "l'image ne peut pas être décodée")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the cap is ours, exact, below
            with Image.open(path) as image:
                width, height = image.size
                if width <= 0 or height <= 0:
                    raise undecodable
                if width * height >= MAX_PIXELS:
                    raise too_many_pixels(width * height)
                with GATE.holding(picture_bytes(width, height, len(image.getbands()))):  # and handed back after
                    image.load()
    except Image.DecompressionBombError as exc:  # over twice the cap: Pillow refuses to open it at all
        raise too_many_pixels(None) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise undecodable from exc
    return 1


def active_content_flag(path: Path, name: str) -> Flag | None:
    """An `active_content` flag naming what the PDF holds (JavaScript, actions, embedded files...)."""
    try:
        kinds = pdf.active_content(path)
    except (pdf.PdfEncrypted, pdf.PdfDamaged):
        return None  # opened once already: a file that fails now is read (and flagged) as it can be
    if not kinds:
        return None
    return make_flag(FlagCode.ACTIVE_CONTENT, file=name, kinds=", ".join(kinds), details={"kinds": ",".join(kinds)})


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


def rejection(
    index: int, name: str, path: Path, code: FlagCode, reason: str, detected: str | None, flag: Flag | None = None
) -> RejectedFile:
    """A RejectedFile whose flag (`flag`, or one made of `code` and `reason`) names the file and says why."""
    exists = path.is_file()
    return RejectedFile(
        index=index,
        file=name,
        size=path.stat().st_size if exists else 0,
        sha256=sha256_of(path) if exists else None,
        detected_type=detected,
        flags=(flag or make_flag(code, file=name, reason=reason),),
    )


def check_uploads(paths: Sequence[str | os.PathLike[str]]) -> UploadReport:
    """Sort a request's files into accepted uploads and rejected files, in the order received. A file
    whose pages would take the request past MAX_REQUEST_PAGES is refused (`too_many_pages`), as files
    past MAX_FILES are."""
    accepted: list[Upload] = []
    rejected: list[RejectedFile] = []
    request_pages = 0
    for index, raw_path in enumerate(paths):
        path = Path(raw_path)
        name = path.name
        if index >= MAX_FILES:
            reason = f"fichier n°{index + 1} : au plus {MAX_FILES} fichiers par demande (au-delà, formulaire papier)"
            rejected.append(rejection(index, name, path, FlagCode.TOO_MANY_FILES, reason, None))
            continue
        try:
            media_type, pages = inspect_file(path)
            if request_pages + pages > MAX_REQUEST_PAGES:
                raise too_many_pages(
                    pages,
                    f"{pages} page(s) de plus porteraient la demande au-delà de {MAX_REQUEST_PAGES} pages au total",
                    media_type.value,
                )
        except UploadRejected as exc:
            rejected.append(rejection(index, name, path, exc.flag_code, exc.reason, exc.detected_type, exc.flag(name)))
            continue
        request_pages += pages
        active = active_content_flag(path, name) if media_type is MediaType.PDF else None
        accepted.append(
            Upload(
                index=index,
                file=name,
                path=str(path.resolve()),
                size=path.stat().st_size,
                sha256=sha256_of(path),
                media_type=media_type,
                page_count=pages,
                flags=(active,) if active else (),
            )
        )
    return UploadReport(accepted=tuple(accepted), rejected=tuple(rejected))
