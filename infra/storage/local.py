"""Storage in a local folder (the embedded default: no server). A key 'a/b/c' is the file ROOT/a/b/c.

Writes are atomic: the bytes go to a temporary file beside the target ('.intake-tmp-*', never listed),
are flushed to disk, made read-only, then moved in with os.replace - or, for `if_absent`, hard-linked
in with os.link, which fails when the name exists, so of two processes racing on one key exactly one
wins and a reader never sees a half-written file. `content_type` is not kept. A key cannot be both an
object and a folder ('a' and 'a/b'): that is an InvalidKey here, though S3 allows it.
"""

from __future__ import annotations

import errno
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

from infra.storage.base import InvalidKey, NotFound, ObjectInfo, StorageError
from infra.storage.keys import check_key, check_prefix

TMP_PREFIX = ".intake-tmp-"
READ_ONLY = 0o444
NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK}


def _failure(operation: str, error: OSError) -> StorageError:
    """A StorageError naming the operation and errno only (the path holds the key)."""
    reason = errno.errorcode.get(error.errno or 0, type(error).__name__)
    return StorageError(f"local storage: {operation} failed ({reason})")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` (FileExistsError if it exists) read-only, holding `data`, flushed to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, READ_ONLY)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_temp(directory: Path, data: bytes) -> Path:
    temp = directory / f"{TMP_PREFIX}{uuid.uuid4().hex}"
    try:
        _write_new(temp, data)
    except OSError:
        temp.unlink(missing_ok=True)  # disk full, quota...: leave nothing behind
        raise
    return temp


def _create_exclusive(target: Path, data: bytes) -> bool:
    """O_EXCL fallback where hard links are not supported (a reader may then see a partial file)."""
    try:
        _write_new(target, data)
    except FileExistsError:
        return False
    except OSError:
        target.unlink(missing_ok=True)
        raise
    return True


def _raise_unless_gone(error: OSError) -> None:
    if not isinstance(error, (FileNotFoundError, NotADirectoryError)):
        raise error


def _link_new(temp: Path, target: Path, data: bytes) -> bool:
    """Move the temporary file in under `target` unless that name exists; True when this call won."""
    try:
        os.link(temp, target)
        return True
    except FileExistsError:
        return False
    except OSError as error:
        if error.errno in NO_HARD_LINKS:
            return _create_exclusive(target, data)
        raise


class LocalStorage:
    """Objects as read-only files under one root folder."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).absolute()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _failure("creating the root folder", error) from None

    def __repr__(self) -> str:
        return f"LocalStorage({self.describe()})"

    def describe(self) -> str:
        return f"local folder {self.root}"

    def _path(self, key: str) -> Path:
        parts = check_key(key).split("/")
        if any(part.startswith(TMP_PREFIX) for part in parts):
            raise InvalidKey(f"key segments starting with {TMP_PREFIX!r} are reserved")
        return self.root.joinpath(*parts)

    def _root_is_there(self) -> None:
        """StorageError when the root folder has gone (unmounted, removed): objects are not 'not found' then."""
        if not self.root.is_dir():
            raise StorageError("local storage: the root folder is missing")

    def _parent_of(self, target: Path) -> Path:
        self._root_is_there()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise InvalidKey("a folder of that key is already an object") from None
        if target.is_dir():
            raise InvalidKey("that key is already a folder of other objects")
        return target.parent

    def _same_bytes(self, target: Path, data: bytes) -> bool:
        try:
            return target.stat().st_size == len(data) and target.read_bytes() == data
        except FileNotFoundError:
            return False

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None, if_absent: bool = False) -> bool:
        target = self._path(key)
        try:
            temp = _write_temp(self._parent_of(target), bytes(data))
            try:
                if not if_absent:
                    temp.replace(target)
                    won = True
                else:
                    won = _link_new(temp, target, data) or self._same_bytes(target, data)
            finally:
                temp.unlink(missing_ok=True)
            _fsync_dir(target.parent)
        except OSError as error:
            raise _failure("put", error) from None
        return won

    def get_bytes(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            self._root_is_there()
            raise NotFound("no object under that key") from None
        except OSError as error:
            raise _failure("get", error) from None

    def exists(self, key: str) -> bool:
        if self._path(key).is_file():
            return True
        self._root_is_there()
        return False

    def _walk_from(self, prefix: str) -> Path:
        folder = prefix[:-1] if prefix.endswith("/") else prefix.rpartition("/")[0]
        return self.root.joinpath(*folder.split("/")) if folder else self.root

    def list(self, prefix: str = "") -> list[ObjectInfo]:
        start = self._walk_from(check_prefix(prefix))
        self._root_is_there()
        found = []
        try:
            for folder, _, files in os.walk(start, onerror=_raise_unless_gone):
                for name in files:
                    if not name.startswith(TMP_PREFIX):
                        info = self._info(Path(folder) / name)
                        if info is not None and info.key.startswith(prefix):
                            found.append(info)
        except OSError as error:
            raise _failure("list", error) from None
        return sorted(found, key=lambda info: info.key)

    def _info(self, path: Path) -> ObjectInfo | None:
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None  # deleted while listing
        key = path.relative_to(self.root).as_posix()
        modified = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
        return ObjectInfo(key, stat.st_size, modified, f"{stat.st_size:x}-{stat.st_mtime_ns:x}-{stat.st_ino:x}")

    def copy(self, src: str, dst: str) -> None:
        self._path(dst)
        self.put_bytes(dst, self.get_bytes(src))

    def delete(self, key: str) -> None:
        """Only for the service's own marker and lock objects: received files are never deleted."""
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
        except IsADirectoryError:
            return
        except OSError as error:
            raise _failure("delete", error) from None
