"""The production bucket has object lock and a default retention (infra/compose.yaml: GOVERNANCE, 6
years). Such a bucket refuses a PUT without Content-MD5, keeps every version it locks, and still takes a
new version of a key and a delete marker: the whole storage contract holds on it, and what the service
wrote first (an original) cannot be removed by the service's writes or deletes."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.s3_server import ACCESS_KEY, SECRET_KEY, unique_bucket
from tests.storage_contract import StorageContract


def s3_client(s3_server):
    return boto3.client(
        "s3",
        endpoint_url=f"http://{s3_server.endpoint}",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )


def locked_bucket(s3_server) -> str:
    """A bucket made as infra/compose.yaml's create-bucket makes it (`mc mb --with-lock`, then
    `mc retention set --default GOVERNANCE ...`), with a one-day retention."""
    client, bucket = s3_client(s3_server), unique_bucket()
    client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    client.put_object_lock_configuration(
        Bucket=bucket,
        ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}},
    )
    return bucket


@pytest.fixture
def storage(s3_server):
    return s3_server.storage(locked_bucket(s3_server))


class TestStorageContractOnALockedBucket(StorageContract):
    pass


def test_rewrites_make_versions_and_every_version_stays_locked(s3_server):
    bucket = locked_bucket(s3_server)
    storage, client = s3_server.storage(bucket), s3_client(s3_server)
    assert storage.put_bytes("claims/CLM-1/originals/facture.pdf", b"%PDF original", if_absent=True)
    assert not storage.put_bytes("claims/CLM-1/originals/facture.pdf", b"%PDF other", if_absent=True)
    storage.put_bytes("claims/CLM-1/claim.json", b'{"v": 1}')
    storage.put_bytes("claims/CLM-1/claim.json", b'{"v": 2}')  # a rewrite: a new version, not an overwrite
    assert storage.get_bytes("claims/CLM-1/claim.json") == b'{"v": 2}'
    versions = client.list_object_versions(Bucket=bucket, Prefix="claims/CLM-1/claim.json")["Versions"]
    assert len(versions) == 2
    for version in versions:
        head = client.head_object(Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"])
        assert head["ObjectLockMode"] == "GOVERNANCE" and "ObjectLockRetainUntilDate" in head

    storage.put_bytes("state/submissions/x.json", b"marker")
    storage.delete("state/submissions/x.json")  # the service's own markers: a delete marker
    assert not storage.exists("state/submissions/x.json")

    original = client.list_object_versions(Bucket=bucket, Prefix="claims/CLM-1/originals/")["Versions"][0]
    with pytest.raises(ClientError) as refused:  # the locked version itself cannot go, without a bypass
        client.delete_object(Bucket=bucket, Key=original["Key"], VersionId=original["VersionId"])
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    storage.delete("claims/CLM-1/originals/facture.pdf")  # even a stray delete only hides it
    kept = client.get_object(Bucket=bucket, Key=original["Key"], VersionId=original["VersionId"])
    assert kept["Body"].read() == b"%PDF original"
