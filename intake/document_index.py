"""The index of documents received so far, for `duplicate_document` across requests: one small object
per document in the storage, filed twice so that a new document reads only the entries that could
match it (not the whole history):

    state/index/by-sha/<sha256>/<pages>-<part>.json                   same bytes
    state/index/by-key/<hash of date|total|currency|beneficiary>/<sha256>-<pages>-<part>.json
                                                                      same content key (near-identical candidates)

Entries hold fingerprints only (hashes, claim id, file name, the content key's fields folded), written
once and never rewritten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from infra.storage.base import Storage
from models import Document
from validators.duplicates import Seen, content_key, fingerprint

INDEX = "state/index/"


def _folders(document: Document) -> list[str]:
    folders = [f"{INDEX}by-sha/{document.sha256}/"]
    key = content_key(document)
    if key:
        folders.append(f"{INDEX}by-key/{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}/")
    return folders


class StorageIndex:
    """`validators.duplicates.DocumentIndex` in a storage."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def seen_for(self, documents: Sequence[Document]) -> list[Seen]:
        """The earlier documents that share bytes or content key with one of `documents`."""
        found: dict[str, Seen] = {}
        for folder in sorted({f for d in documents for f in _folders(d)}):
            for info in self.storage.list(folder):
                seen = Seen.from_json(self.storage.get_bytes(info.key))
                found.setdefault(f"{seen.claim_id}/{seen.file}/{seen.sha256}", seen)
        return list(found.values())

    def record(self, claim_id: str, documents: Sequence[Document]) -> None:
        """File each document's fingerprint (once: an entry is never rewritten)."""
        for document in documents:
            body = fingerprint(claim_id, document).to_json()
            name = f"{len(document.pages)}-{document.part or 0}.json"
            for folder in _folders(document):
                entry = name if "/by-sha/" in folder else f"{document.sha256}-{name}"
                self.storage.put_bytes(folder + entry, body, "application/json", if_absent=True)
