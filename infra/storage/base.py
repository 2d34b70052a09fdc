"""The storage interface: objects under '/'-separated keys, in a local folder or an S3 bucket.

Every implementation keeps the same contract (tests/storage_contract.py holds it to it):
- `put_bytes(key, data, if_absent=True)` never overwrites: it returns False when the key already holds
  other bytes. It is atomic (two writers racing on one key: exactly one gets True) and safe to retry:
  when the key already holds exactly `data` (an earlier attempt of the same call that did succeed), it
  returns True. So a lock or claim marker must carry content unique to its writer (e.g. a random token).
- Received files are never deleted: `delete` exists only for the service's own marker and lock objects
  and for a claim's superseded message, once the claim store has copied it to `history/`.
- Errors: `StorageError` means the storage itself failed (server down, network, timeout, disk): retry
  later. `NotFound` (no such object) and `InvalidKey` (a key that is not safe) are not retryable and are
  not StorageErrors. Error messages name the operation, never the key (keys carry claimants' file names).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from models.errors import InputError, IntakeError, ServiceError


class StorageError(ServiceError):
    """The storage failed (server down, network error, timeout, disk error): retryable."""

    code = "storage_failed"


class NotFound(IntakeError, LookupError):
    """No object under that key. Not a StorageError: retrying does not help."""

    code = "not_found"


class InvalidKey(InputError, ValueError):
    """A key that is empty, not relative, escapes its prefix or holds control characters."""

    code = "invalid_key"


@dataclass(frozen=True)
class ObjectInfo:
    """One stored object as listed. `etag` changes whenever the object is rewritten with other bytes; it
    is opaque (S3: the server's ETag; local: size, mtime and inode) - not comparable across backends and
    not a content hash (hash `get_bytes()` for that)."""

    key: str
    size: int
    last_modified: datetime
    etag: str


Level = tuple[list[str], list[ObjectInfo]]  # one level of a folder: its sub-folders' names, its objects


@runtime_checkable
class Storage(Protocol):
    """Objects under '/'-separated keys (see `infra.storage.keys` to build keys from strangers' names)."""

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None, if_absent: bool = False) -> bool:
        """Store `data` under `key` (replacing it, unless `if_absent`: then False when the key holds other bytes)."""
        ...

    def get_bytes(self, key: str) -> bytes:
        """The object's bytes; NotFound when there is none."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored under exactly this key."""
        ...

    def list(self, prefix: str = "") -> list[ObjectInfo]:
        """Every object whose key starts with `prefix` (a plain string prefix, recursive), sorted by key -
        including objects a stranger stored under a key this interface cannot address (reading those by
        key raises InvalidKey: the inbox records them in quarantine by reference)."""
        ...

    def list_level(self, prefix: str) -> Level:
        """One level below `prefix` (a folder: '' or ending in '/'): the names of the folders directly under
        it, and the objects directly in it, each sorted - so a large tree is listed folder by folder,
        never held whole (S3: a delimiter listing)."""
        ...

    def copy(self, src: str, dst: str) -> None:
        """Copy an object to another key (replacing it); NotFound when `src` does not exist."""
        ...

    def delete(self, key: str) -> None:
        """Remove one of the service's own objects (a marker, a lock, a superseded message kept in history; never a
        received file); no error if absent."""
        ...

    def describe(self) -> str:
        """Where the objects are, for logs and operators: never a secret."""
        ...
