#!/bin/sh
# Run once by infra/compose.yaml's create-bucket service (the minio/mc image), again on every `up`:
# idempotent. Makes the bucket with object lock and a default retention, and the service's own user.
#
# Why the whole bucket: S3 object lock's default retention is per bucket (no prefix rule), so every new
# object version - originals, claim.json and its rewrites, markers, the page cache - is kept
# INTAKE_RETENTION_VALIDITY after it was written. Rewrites still work (a PUT to a key makes a new
# version; the locked one stays) and the service's deletes only add delete markers.
# Why GOVERNANCE, not COMPLIANCE: the bucket also holds personal data and the service's own objects; an
# administrator with MinIO's root credentials (kept away from the services) can still remove a version
# when the law requires it (a file sent to the wrong insurer, an erasure order), deliberately, with
# `mc rm --version-id ... --bypass`. The service's user cannot: its policy below grants no
# s3:BypassGovernanceRetention, no s3:DeleteObjectVersion, no retention or lock change.
# Why 6 years: claimants keep their originals 5 years after the reimbursement (the seeds), which comes
# weeks to months after the request; 6 years from receipt covers that with a margin.
set -eu
: "${MINIO_ROOT_USER:?missing: infra/secrets/minio.env}" "${MINIO_ROOT_PASSWORD:?missing: infra/secrets/minio.env}"
: "${INTAKE_S3_ACCESS_KEY:?missing: infra/secrets/intake-s3.env}" "${INTAKE_S3_SECRET_KEY:?missing: infra/secrets/intake-s3.env}"
bucket="local/${INTAKE_BUCKET:-intake}"
mode="${INTAKE_RETENTION_MODE:-GOVERNANCE}"
validity="${INTAKE_RETENTION_VALIDITY:-6y}"

mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing --with-lock "$bucket"
mc version enable "$bucket"
if ! mc retention set --default "$mode" "$validity" "$bucket"; then
  echo "create-bucket: $bucket has no object lock (made before it was required?): copy it into a bucket made with --with-lock" >&2
  exit 1
fi
mc retention info --default "$bucket"

policy=/tmp/intake-service-policy.json
cat > "$policy" <<POLICY
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListenBucketNotification"],
   "Resource": ["arn:aws:s3:::${INTAKE_BUCKET:-intake}"]},
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
   "Resource": ["arn:aws:s3:::${INTAKE_BUCKET:-intake}/*"]}
]}
POLICY
mc admin policy create local intake-service "$policy"
mc admin user add local "$INTAKE_S3_ACCESS_KEY" "$INTAKE_S3_SECRET_KEY"
mc admin policy attach local intake-service --user "$INTAKE_S3_ACCESS_KEY" \
  || mc admin user info local "$INTAKE_S3_ACCESS_KEY" | grep -q intake-service   # attached before

# MinIO's bucket notifications: every object created under inbox/ is POSTed to the worker's webhook, the
# target `INTAKE` of the minio service's MINIO_NOTIFY_WEBHOOK_*_INTAKE variables (infra/compose.yaml). An
# event only makes the worker look sooner (its reconciliation pass finds what an event missed). The rule
# is added once: --ignore-existing, and a rule already there (an older mc says so differently) is fine.
arn="arn:minio:sqs::INTAKE:webhook"
if ! mc event add --ignore-existing "$bucket" "$arn" --event put --prefix inbox/; then
  if ! mc event ls "$bucket" "$arn" | grep -q "inbox/"; then
    echo "create-bucket: no notification target $arn (minio's MINIO_NOTIFY_WEBHOOK_*_INTAKE, secrets/events-minio.env)" >&2
    exit 1
  fi
fi
mc event ls "$bucket" "$arn"
echo "create-bucket: $bucket ready (object lock, default retention $mode $validity), user $INTAKE_S3_ACCESS_KEY, events to $arn"
