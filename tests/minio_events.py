"""MinIO's bucket notification documents, as its webhook target POSTs them (the shape MinIO documents
under "Publish Events to Webhook"): the tests and the scale benchmark feed them to the service, since
the S3-protocol test server (moto) sends no notification of its own."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import quote


def created_event(bucket: str, key: str, size: int = 0, etag: str = "0123456789abcdef0123456789abcdef") -> bytes:
    """One `s3:ObjectCreated:Put` event for `key` (URL-encoded in the record, as MinIO sends it)."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    record = {
        "eventVersion": "2.0",
        "eventSource": "minio:s3",
        "awsRegion": "",
        "eventTime": now,
        "eventName": "s3:ObjectCreated:Put",
        "userIdentity": {"principalId": "intake-writer"},
        "requestParameters": {"principalId": "intake-writer", "region": "", "sourceIPAddress": "127.0.0.1"},
        "responseElements": {
            "x-amz-id-2": "dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8",
            "x-amz-request-id": "17E2B5A1D3C0F7A2",
        },
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "Config",
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": "intake-writer"}, "arn": f"arn:aws:s3:::{bucket}"},
            "object": {
                "key": quote(key, safe=""),
                "size": size,
                "eTag": etag,
                "contentType": "application/octet-stream",
                "sequencer": "17E2B5A1D3C0F7A2",
            },
        },
        "source": {"host": "127.0.0.1", "port": "", "userAgent": "MinIO (linux; amd64) minio-go/v7.0.70"},
    }
    return json.dumps({"EventName": "s3:ObjectCreated:Put", "Key": f"{bucket}/{key}", "Records": [record]}).encode()
