"""Storage in an S3 bucket (MinIO in production) through the `minio` client (7.2.x).

The bucket is created when missing. The HTTP pool has short timeouts and few retries, so a server that
is down or hung makes a call raise StorageError after at most about (retries + 1) x (connect_timeout +
read_timeout) seconds, instead of minio's default of five retries of five minutes each.

`put_bytes(if_absent=True)` sends a conditional PUT with `If-None-Match: *`, which the server refuses
(412) when the key exists: atomic where the server implements it (AWS S3 since 2024, MinIO releases of
2024 on). moto 5.2 honours it too, but as a check-then-write without a lock (s3/responses.py
put_object), so there its atomicity under a race is likely, not guaranteed. minio 7.2.20 has no public
way to send that header: `put_object(metadata={"If-None-Match": "*"})` would turn it into user metadata
(x-amz-meta-if-none-match) and silently overwrite; so the private `Minio._put_object` sends it. A
server that ignores the header would overwrite too, so the first `if_absent` call probes it (a
throw-away object under '.intake-probe/', written twice, then removed). If the header is not honoured,
`if_absent` falls back to a best effort: read, then put - two racing writers can then both win, and the
last one's bytes stay. `conditional_put` tells which mode is in use once known.

Every PUT carries `Content-MD5`: a bucket with object lock and a default retention (the production
bucket, see infra/compose.yaml) refuses a PUT without it (AWS S3, MinIO, moto:
MissingUploadObjectWithObjectLockHeaders), and minio only adds it by itself over https. In such a
bucket a PUT to an existing key makes a new version (the locked one stays), and `delete` leaves a
delete marker: the service's rewrites of claim.json and its markers keep working.
"""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import certifi
import urllib3
from minio import Minio
from minio.error import MinioException, S3Error, ServerError
from minio.helpers import DictType

from infra.storage.base import InvalidKey, Level, NotFound, ObjectInfo, StorageError
from infra.storage.keys import check_key, check_prefix

DEFAULT_CONTENT_TYPE = "application/octet-stream"
NOT_FOUND = {"NoSuchKey"}
PRECONDITION_FAILED = "PreconditionFailed"
CONDITION_NOT_SUPPORTED = {"NotImplemented"}
BUCKET_THERE = {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}
RETRIED_STATUSES = (500, 502, 503, 504)
PROBE_PREFIX = ".intake-probe/"
PLAIN_REASONS = {
    "NewConnectionError": "cannot connect",
    "ConnectTimeoutError": "connection timed out",
    "ReadTimeoutError": "no answer in time",
    "ProtocolError": "connection dropped",
    "SSLError": "TLS failure",
    "NameResolutionError": "unknown host",
}


def _reason(error: Exception) -> str:
    """What went wrong, without the URL (it holds the key) nor any header."""
    if isinstance(error, S3Error):
        return str(error.code)
    if isinstance(error, ServerError):
        return f"HTTP {error.status_code}"
    cause = getattr(error, "reason", None)
    name = type(cause if isinstance(cause, Exception) else error).__name__
    return f"{PLAIN_REASONS[name]} ({name})" if name in PLAIN_REASONS else name


@contextmanager
def _mapped(operation: str) -> Iterator[None]:
    """minio and urllib3 errors as NotFound (no such object) or StorageError (anything else)."""
    try:
        yield
    except S3Error as error:
        if error.code in NOT_FOUND:
            raise NotFound("no object under that key") from None
        raise StorageError(f"S3 {operation} failed: {_reason(error)}") from None
    except (MinioException, urllib3.exceptions.HTTPError, OSError) as error:
        raise StorageError(f"S3 {operation} failed: {_reason(error)}") from None


def http_pool(connect_timeout: float, read_timeout: float, retries: int) -> urllib3.PoolManager:
    """minio's default pool, with short timeouts and `retries` retries (connection errors, 5xx)."""
    retry = urllib3.Retry(total=retries, backoff_factor=0.2, status_forcelist=RETRIED_STATUSES)
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        maxsize=10,
        retries=retry,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
    )


class S3Storage:
    """Objects in one bucket of an S3-protocol server (MinIO, AWS S3, moto)."""

    def __init__(
        self,
        endpoint: str,
        access_key: str | None,
        secret_key: str | None,
        bucket: str,
        secure: bool = True,
        *,
        region: str = "us-east-1",
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retries: int = 2,
        conditional_put: bool | None = None,
    ) -> None:
        """`endpoint` is host:port (no scheme: `secure` picks https). `conditional_put` None probes the
        server on the first `if_absent` put; True/False skip the probe."""
        if "://" in endpoint or "/" in endpoint:
            raise ValueError("the S3 endpoint is host:port, without scheme or path (secure chooses https)")
        self.endpoint, self.bucket, self.secure = endpoint, bucket, secure
        self.conditional_put = conditional_put
        self._client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=http_pool(connect_timeout, read_timeout, retries),
        )
        self._ensure_bucket()

    def __repr__(self) -> str:
        return f"S3Storage({self.describe()})"

    def describe(self) -> str:
        return f"S3 bucket {self.bucket} at {'https' if self.secure else 'http'}://{self.endpoint}"

    def _ensure_bucket(self) -> None:
        with _mapped("bucket creation"):
            if self._client.bucket_exists(self.bucket):
                return
            try:
                self._client.make_bucket(self.bucket)
            except S3Error as error:
                if error.code not in BUCKET_THERE:  # created meanwhile by another process
                    raise

    def _read(self, key: str) -> bytes:
        response = self._client.get_object(self.bucket, key)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def _read_or_none(self, key: str) -> bytes | None:
        try:
            return self._read(key)
        except S3Error as error:
            if error.code in NOT_FOUND:
                return None
            raise

    def _put(self, key: str, data: bytes, content_type: str, **extra: str) -> None:
        """One PutObject with Content-MD5 (which a bucket with a default retention requires) and `extra`
        headers: the private call, as no public API of minio 7.2 sends either header."""
        md5 = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
        headers: DictType = {"Content-Type": content_type, "Content-MD5": md5, **extra}
        self._client._put_object(self.bucket, key, data, headers)

    def _put_if_none_match(self, key: str, data: bytes, content_type: str) -> bool:
        """A PUT with If-None-Match: * ; False when the server refuses it because the key exists."""
        try:
            self._put(key, data, content_type, **{"If-None-Match": "*"})
        except S3Error as error:
            if error.code == PRECONDITION_FAILED:
                return False
            raise
        return True

    def _probe_conditional_put(self) -> bool:
        """Whether the server refuses a second If-None-Match: * PUT of one key (else it ignores the header)."""
        key = f"{PROBE_PREFIX}{uuid.uuid4().hex}"
        try:
            first = self._put_if_none_match(key, b"probe", "text/plain")
            second = self._put_if_none_match(key, b"probe", "text/plain")
        except S3Error as error:
            if error.code in CONDITION_NOT_SUPPORTED:
                return False
            raise
        finally:
            self._client.remove_object(self.bucket, key)
        return first and not second

    def _put_new(self, key: str, data: bytes, content_type: str) -> bool:
        if self.conditional_put is None:
            self.conditional_put = self._probe_conditional_put()
        if not self.conditional_put:
            existing = self._read_or_none(key)  # best effort: a racing writer may slip in after this read
            if existing is not None:
                return existing == data
        if self._put_if_none_match(key, data, content_type):
            return True
        return self._read_or_none(key) == data  # our own earlier attempt (a retry) counts as won

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None, if_absent: bool = False) -> bool:
        check_key(key)
        data, content_type = bytes(data), content_type or DEFAULT_CONTENT_TYPE
        with _mapped("put"):
            if if_absent:
                return self._put_new(key, data, content_type)
            self._put(key, data, content_type)
            return True

    def get_bytes(self, key: str) -> bytes:
        check_key(key)
        with _mapped("get"):
            return self._read(key)

    def exists(self, key: str) -> bool:
        check_key(key)
        with _mapped("exists"):
            try:
                self._client.stat_object(self.bucket, key)
            except S3Error as error:
                if error.code in NOT_FOUND:
                    return False
                raise
            return True

    def list(self, prefix: str = "") -> list[ObjectInfo]:
        """Objects under `prefix` (folder markers ending in '/' left out). Keys this interface cannot address
        (a stranger's: control characters, backslashes, empty or '..' segments) are listed too, so that the
        inbox accounts for them; reading one by key raises InvalidKey."""
        check_prefix(prefix)
        with _mapped("list"):
            objects = list(self._client.list_objects(self.bucket, prefix=prefix or None, recursive=True))
        found = [
            ObjectInfo(o.object_name, o.size, o.last_modified, (o.etag or "").strip('"'))
            for o in objects
            if not o.is_dir and o.object_name and not o.object_name.endswith("/")
        ]
        return sorted(found, key=lambda info: info.key)

    def walk(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """What `list` gives, lazily (not part of the Storage protocol: `intake reindex` uses it when a
        storage has it): a page of the listing (1,000 keys) at a time, in the server's order - by key (S3
        lists in UTF-8 byte order, which is the order of Python's strings); StorageError should a key
        come out of order."""
        check_prefix(prefix)
        last = ""
        with _mapped("list"):
            for o in self._client.list_objects(self.bucket, prefix=prefix or None, recursive=True):
                if o.is_dir or not o.object_name or o.object_name.endswith("/"):
                    continue
                if o.object_name < last:
                    raise StorageError("S3 list failed: the server listed keys out of order")
                last = o.object_name
                yield ObjectInfo(o.object_name, o.size, o.last_modified, (o.etag or "").strip('"'))

    def list_level(self, prefix: str) -> Level:
        """A delimiter listing: the common prefixes under `prefix` as folder names, and its objects."""
        check_prefix(prefix)
        if prefix and not prefix.endswith("/"):
            raise InvalidKey("a level is listed under a folder prefix ending in '/'")
        with _mapped("list"):
            entries = list(self._client.list_objects(self.bucket, prefix=prefix or None, recursive=False))
        folders = sorted({e.object_name[len(prefix) :].rstrip("/") for e in entries if e.is_dir and e.object_name})
        objects = [
            ObjectInfo(e.object_name, e.size, e.last_modified, (e.etag or "").strip('"'))
            for e in entries
            if not e.is_dir and e.object_name and not e.object_name.endswith("/")
        ]
        return [f for f in folders if f], sorted(objects, key=lambda info: info.key)

    def copy(self, src: str, dst: str) -> None:
        """Read, then PUT (with Content-MD5, content type kept): a server-side CopyObject into a bucket with a
        default retention is refused by some servers without a Content-MD5 that minio cannot add to it.
        Only the claim's own small files are copied (to history/)."""
        check_key(src)
        check_key(dst)
        with _mapped("copy"):
            response = self._client.get_object(self.bucket, src)
            try:
                data, content_type = response.read(), response.headers.get("Content-Type") or DEFAULT_CONTENT_TYPE
            finally:
                response.close()
                response.release_conn()
            self._put(dst, data, content_type)

    def open_event_stream(self, prefix: str, events: tuple[str, ...] = ("s3:ObjectCreated:*",)) -> urllib3.BaseHTTPResponse:
        """MinIO's ListenBucketNotification stream (one JSON document per line, blank keep-alive lines)
        for objects under `prefix`. minio's own iterator re-opens the stream in a busy loop when a server
        answers something else (moto answers with a bucket listing), so the raw response is returned
        and read by infra.storage.notifications. The caller closes it."""
        check_prefix(prefix)
        with _mapped("event stream"):
            return self._client._execute(
                "GET", self.bucket, query_params={"prefix": prefix, "suffix": "", "events": list(events)}, preload_content=False
            )

    def delete(self, key: str) -> None:
        """Only for the service's own marker and lock objects: received files are never deleted."""
        check_key(key)
        with _mapped("delete"):
            self._client.remove_object(self.bucket, key)
