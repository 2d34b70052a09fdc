"""Storage in a local folder (the embedded default: no server). A key 'a/b/c' is the file ROOT/a/b/c.

Writes are atomic: the bytes go to a temporary file beside the target ('.intake-tmp-*', never listed),
are flushed to disk, made read-only, then moved in with os.replace - or, for `if_absent`, hard-linked
in with os.link, which fails when the name exists, so of two processes racing on one key exactly one
wins and a reader never sees a half-written file. `content_type` is not kept. A key cannot be both an
object and a folder ('a' and 'a/b'): that is an InvalidKey here, though S3 allows it.

No symbolic link below the root is ever followed (the root itself may be one). Each folder of a key is
opened from the one before it with O_NOFOLLOW, starting at the root, and every operation then works in
that folder by descriptor, so a link planted in the inbox - to a file or to a folder, pointing out of
the root or inside it - cannot make the service read, copy or write anything but the root's own files,
even if it is swapped in while a call runs. A link, and a special file (FIFO, socket, device), is still
listed (its own entry, never what it points to: the inbox accounts for every object it received), but
any operation on its key or on a key below it raises LinkRefused, an InvalidKey with its own code: the
intake records it in quarantine by reference, as it does an object whose name cannot be a key. Links
that stay inside the root are refused too: simplest, and nothing the service writes makes one.
"""

from __future__ import annotations

import contextlib
import errno
import heapq
import itertools
import os
import re
import stat
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from infra.storage.base import InvalidKey, Level, NotFound, ObjectInfo, StorageError
from infra.storage.keys import check_key, check_prefix

TMP_PREFIX = ".intake-tmp-"
READ_ONLY = 0o444
NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK}
FOLDER = os.O_RDONLY | os.O_DIRECTORY
READ_ENTRY = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY  # a FIFO does not block the open
NAMES = re.compile(r"[^\x00]+")  # the names `_names` joins
SORTED = 1 << 16  # names `_names` sorts at a time
LINK = "local storage: a symbolic link is neither an object nor a folder (never followed)"
SPECIAL = "local storage: a special file (FIFO, socket, device) is not an object"


class LinkRefused(InvalidKey, code="link_refused"):
    """The key is, or goes through, a symbolic link below the root, or names a special file: never followed
    nor read (the object is listed, as received, but cannot be used)."""


def _failure(operation: str, error: OSError) -> StorageError:
    """A StorageError naming the operation and errno only (the path holds the key)."""
    reason = errno.errorcode.get(error.errno or 0, type(error).__name__)
    return StorageError(f"local storage: {operation} failed ({reason})")


def _entry_mode(folder: int, name: str) -> int:
    """The mode of `name` in `folder`, itself (a link is not followed)."""
    return os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode


def _refuse_unless_file(mode: int) -> None:
    """LinkRefused for a link or a special file; nothing for a regular file or a folder."""
    if stat.S_ISLNK(mode):
        raise LinkRefused(LINK)
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise LinkRefused(SPECIAL)


def _child_folder(folder: int, name: str, create: bool = False) -> int:
    """A descriptor of the folder `name` in `folder`, opened without following a link (made first when
    `create`): LinkRefused when it is a link, NotADirectoryError when it is anything else but a folder."""
    if create:
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, dir_fd=folder)
    try:
        return os.open(name, FOLDER | os.O_NOFOLLOW, dir_fd=folder)
    except OSError as error:
        if error.errno in (errno.ENOTDIR, errno.ELOOP):  # Linux answers ENOTDIR for a link with O_DIRECTORY
            _refuse_unless_file(_entry_mode(folder, name))
        raise


def _read_at(folder: int, name: str) -> bytes:
    """The bytes of the regular file `name` in `folder` (IsADirectoryError for a folder, LinkRefused for a
    link or a special file)."""
    try:
        fd = os.open(name, READ_ENTRY, dir_fd=folder)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENXIO):  # a link; a socket
            raise LinkRefused(LINK if error.errno == errno.ELOOP else SPECIAL) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "a folder")
        _refuse_unless_file(mode)
        with open(fd, "rb", closefd=False) as file:
            return file.read()
    finally:
        os.close(fd)


def _write_new(folder: int, name: str, data: bytes) -> None:
    """Create `name` in `folder` (FileExistsError if it exists) read-only, holding `data`, flushed to disk."""
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, READ_ONLY, dir_fd=folder)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(folder: int, name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name, dir_fd=folder)


def _write_temp(folder: int, data: bytes) -> str:
    temp = f"{TMP_PREFIX}{uuid.uuid4().hex}"
    try:
        _write_new(folder, temp, data)
    except OSError:
        _unlink_quietly(folder, temp)  # disk full, quota...: leave nothing behind
        raise
    return temp


def _create_exclusive(folder: int, target: str, data: bytes) -> bool:
    """O_EXCL fallback where hard links are not supported (a reader may then see a partial file)."""
    try:
        _write_new(folder, target, data)
    except FileExistsError:
        return False
    except OSError:
        _unlink_quietly(folder, target)
        raise
    return True


def _link_new(folder: int, temp: str, target: str, data: bytes) -> bool:
    """Move the temporary file in under `target` unless that name exists; True when this call won."""
    try:
        os.link(temp, target, src_dir_fd=folder, dst_dir_fd=folder)
        return True
    except FileExistsError:
        return False
    except OSError as error:
        if error.errno in NO_HARD_LINKS:
            return _create_exclusive(folder, target, data)
        raise


def _same_bytes(folder: int, name: str, data: bytes) -> bool:
    try:
        return os.stat(name, dir_fd=folder, follow_symlinks=False).st_size == len(data) and _read_at(folder, name) == data
    except (FileNotFoundError, LinkRefused):
        return False


def _check_target(folder: int, name: str) -> None:
    """Nothing when `name` is free or a file; InvalidKey when it is a folder, LinkRefused when a link."""
    try:
        mode = _entry_mode(folder, name)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        raise InvalidKey("that key is already a folder of other objects")
    _refuse_unless_file(mode)


def _put_at(folder: int, name: str, data: bytes, if_absent: bool) -> bool:
    _check_target(folder, name)
    temp = _write_temp(folder, data)
    try:
        if not if_absent:
            os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
            return True
        return _link_new(folder, temp, name, data) or _same_bytes(folder, name, data)
    finally:
        _unlink_quietly(folder, temp)


def _delete_at(folder: int, name: str) -> None:
    mode = _entry_mode(folder, name)
    if stat.S_ISDIR(mode):
        return
    _refuse_unless_file(mode)
    os.unlink(name, dir_fd=folder)


def _info(key: str, status: os.stat_result) -> ObjectInfo:
    """A listed object (a link's own size and dates: what it points to is never looked at)."""
    modified = datetime.fromtimestamp(status.st_mtime, tz=UTC)
    return ObjectInfo(key, status.st_size, modified, f"{status.st_size:x}-{status.st_mtime_ns:x}-{status.st_ino:x}")


def _wanted(key: str, prefix: str, is_folder: bool) -> bool:
    """Whether the entry `key` is listed under `prefix` or, for a folder, may hold entries that are."""
    return key.startswith(prefix) or (is_folder and prefix.startswith(key + "/"))


def _scan(folder: int, folder_key: str, prefix: str) -> list[ObjectInfo]:
    """The entries under `folder` whose keys start with `prefix`, links and special files included, as
    they are; folders are entered by descriptor, never through a link. Entries gone meanwhile are skipped."""
    found: list[ObjectInfo] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            key = folder_key + entry.name
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
                if entry.name.startswith(TMP_PREFIX) or not _wanted(key, prefix, is_folder):
                    continue
                if is_folder:
                    found += _scan_child(folder, entry.name, key + "/", prefix)
                else:
                    found.append(_info(key, entry.stat(follow_symlinks=False)))
            except (FileNotFoundError, NotADirectoryError, LinkRefused):
                continue  # removed or replaced while listing
    return found


def _scan_child(folder: int, name: str, folder_key: str, prefix: str) -> list[ObjectInfo]:
    child = _child_folder(folder, name)
    try:
        return _scan(child, folder_key, prefix)
    finally:
        os.close(child)


def _entries(folder: int, folder_key: str, prefix: str) -> Iterator[str]:
    """The names of the entries in `folder` that `_scan` would take, a folder's followed by '/' (so that
    names sort as the keys at and below them do), in the folder's own order."""
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except FileNotFoundError:
                continue  # removed while listing
            if not entry.name.startswith(TMP_PREFIX) and _wanted(folder_key + entry.name, prefix, is_folder):
                yield entry.name + "/" if is_folder else entry.name


def _names(folder: int, folder_key: str, prefix: str) -> Iterator[str]:
    """`_entries`, sorted: `SORTED` names sorted at a time (a list takes some eighty bytes a name), each
    run then kept as one string, its names joined by NULs (no name holds one: a few bytes a name), and
    the runs merged."""
    entries, runs = _entries(folder, folder_key, prefix), []
    while run := list(itertools.islice(entries, SORTED)):
        runs.append("\0".join(sorted(run)))
    return heapq.merge(*((match.group() for match in NAMES.finditer(run)) for run in runs))


def _walk(folder: int, folder_key: str, prefix: str) -> Iterator[ObjectInfo]:
    """What `_scan` finds, in key order, lazily: a folder is read when the walk enters it, so what is held
    is the names of the folders it is in (`_names`: a few bytes a name)."""
    for name in _names(folder, folder_key, prefix):
        if name.endswith("/"):
            yield from _walk_child(folder, name[:-1], folder_key + name, prefix)
            continue
        try:
            status = os.stat(name, dir_fd=folder, follow_symlinks=False)
        except FileNotFoundError:
            continue  # removed while listing
        yield _info(folder_key + name, status)


def _walk_child(folder: int, name: str, folder_key: str, prefix: str) -> Iterator[ObjectInfo]:
    try:
        child = _child_folder(folder, name)
    except (FileNotFoundError, NotADirectoryError, LinkRefused):
        return  # removed or replaced while listing
    try:
        yield from _walk(child, folder_key, prefix)
    finally:
        os.close(child)


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

    def _parts(self, key: str) -> list[str]:
        parts = check_key(key).split("/")
        if any(part.startswith(TMP_PREFIX) for part in parts):
            raise InvalidKey(f"key segments starting with {TMP_PREFIX!r} are reserved")
        return parts

    def _open_root(self) -> int:
        """The root folder's descriptor; StorageError when it has gone (unmounted, removed): objects are not
        'not found' then."""
        try:
            return os.open(self.root, FOLDER)
        except (FileNotFoundError, NotADirectoryError):
            raise StorageError("local storage: the root folder is missing") from None
        except OSError as error:
            raise _failure("opening the root folder", error) from None

    @contextlib.contextmanager
    def _folder(self, parts: Sequence[str], create: bool = False) -> Iterator[int]:
        """The descriptor of ROOT/parts..., each folder opened from the one before, never through a link."""
        fd = self._open_root()
        try:
            for part in parts:
                child = _child_folder(fd, part, create)
                os.close(fd)
                fd = child
            yield fd
        finally:
            os.close(fd)

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None, if_absent: bool = False) -> bool:
        parts = self._parts(key)
        try:
            with self._folder(parts[:-1], create=True) as folder:
                won = _put_at(folder, parts[-1], bytes(data), if_absent)
                os.fsync(folder)
        except NotADirectoryError:
            raise InvalidKey("a folder of that key is already an object") from None
        except OSError as error:
            raise _failure("put", error) from None
        return won

    def get_bytes(self, key: str) -> bytes:
        parts = self._parts(key)
        try:
            with self._folder(parts[:-1]) as folder:
                return _read_at(folder, parts[-1])
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound("no object under that key") from None
        except OSError as error:
            raise _failure("get", error) from None

    def exists(self, key: str) -> bool:
        """Whether a file is stored under the key (LinkRefused when it is, or goes through, a link)."""
        parts = self._parts(key)
        try:
            with self._folder(parts[:-1]) as folder:
                mode = _entry_mode(folder, parts[-1])
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError as error:
            raise _failure("exists", error) from None
        _refuse_unless_file(mode)
        return stat.S_ISREG(mode)

    def list(self, prefix: str = "") -> list[ObjectInfo]:
        check_prefix(prefix)
        folder = prefix[:-1] if prefix.endswith("/") else prefix.rpartition("/")[0]
        try:
            with self._folder(folder.split("/") if folder else []) as start:
                found = _scan(start, folder + "/" if folder else "", prefix)
        except (FileNotFoundError, NotADirectoryError, LinkRefused):
            return []  # no such folder (a link on the way is listed by its own entry, under a shorter prefix)
        except OSError as error:
            raise _failure("list", error) from None
        return sorted(found, key=lambda info: info.key)

    def walk(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """What `list` gives, in the same order, lazily (not part of the Storage protocol: `intake reindex`
        uses it when a storage has it): each folder is read and sorted when the walk enters it, so the
        listing is never held whole - only the names of the folders the walk is in, a few bytes each."""
        check_prefix(prefix)
        folder = prefix[:-1] if prefix.endswith("/") else prefix.rpartition("/")[0]
        with contextlib.ExitStack() as stack:
            try:
                start = stack.enter_context(self._folder(folder.split("/") if folder else []))
            except (FileNotFoundError, NotADirectoryError, LinkRefused):
                return  # no such folder, as `list`
            except OSError as error:
                raise _failure("list", error) from None
            try:
                yield from _walk(start, folder + "/" if folder else "", prefix)
            except OSError as error:
                raise _failure("list", error) from None

    def list_level(self, prefix: str) -> Level:
        check_prefix(prefix)
        if prefix and not prefix.endswith("/"):
            raise InvalidKey("a level is listed under a folder prefix ending in '/'")
        folders: list[str] = []
        objects: list[ObjectInfo] = []
        try:
            with self._folder(prefix[:-1].split("/") if prefix else []) as start, os.scandir(start) as entries:
                for entry in entries:
                    if entry.name.startswith(TMP_PREFIX):
                        continue
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            folders.append(entry.name)
                        else:
                            objects.append(_info(prefix + entry.name, entry.stat(follow_symlinks=False)))
                    except FileNotFoundError:
                        continue  # removed while listing
        except (FileNotFoundError, NotADirectoryError, LinkRefused):
            return [], []
        except OSError as error:
            raise _failure("list", error) from None
        return sorted(folders), sorted(objects, key=lambda info: info.key)

    def copy(self, src: str, dst: str) -> None:
        self._parts(dst)
        self.put_bytes(dst, self.get_bytes(src))

    def delete(self, key: str) -> None:
        """Only for the service's own marker and lock objects: received files are never deleted."""
        parts = self._parts(key)
        try:
            with self._folder(parts[:-1]) as folder:
                _delete_at(folder, parts[-1])
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as error:
            raise _failure("delete", error) from None
