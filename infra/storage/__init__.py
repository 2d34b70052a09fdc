"""Object storage for the intake service: one interface (`Storage`), a local folder and an S3 bucket.

from infra.storage import open_storage, keys
storage = open_storage()                      # from the INTAKE_* environment variables
key = keys.join("inbox", "extranet", submission, keys.safe_name(uploaded_name))
storage.put_bytes(key, data, if_absent=True)  # False: that key already holds other bytes
"""

from infra.storage import keys
from infra.storage.base import InvalidKey, NotFound, ObjectInfo, Storage, StorageError
from infra.storage.local import LocalStorage
from infra.storage.s3 import S3Storage
from infra.storage.settings import StorageSettings, open_storage

__all__ = [
    "InvalidKey",
    "LocalStorage",
    "NotFound",
    "ObjectInfo",
    "S3Storage",
    "Storage",
    "StorageError",
    "StorageSettings",
    "keys",
    "open_storage",
]
