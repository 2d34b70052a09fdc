#!/bin/sh
# Writes infra/secrets/*.env with random values (readable by their owner only), once: an existing file
# is kept. infra/secrets/ is never committed (.gitignore) nor sent to an image build (.dockerignore).
# The reviewers' accounts file is not made here: `intake review-account NAME --role manager|operator
# >> infra/secrets/review-accounts.toml` (Argon2id hashes).
set -eu
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
umask 077
mkdir -p "$dir"
random() { od -An -N30 -tx1 /dev/urandom | tr -d ' \n'; }   # 60 hex characters
write() {  # write FILE LINE...: only when FILE does not exist
  file="$dir/$1"; shift
  if [ -e "$file" ]; then echo "kept    $file"; return; fi
  printf '%s\n' "$@" > "$file"
  echo "written $file"
}
write minio.env "MINIO_ROOT_USER=intake-root" "MINIO_ROOT_PASSWORD=$(random)"
write intake-s3.env "INTAKE_S3_ACCESS_KEY=intake-service" "INTAKE_S3_SECRET_KEY=$(random)"
pg="$(random)"
write postgres.env "POSTGRES_PASSWORD=$pg" "PREFECT_SERVER_DATABASE_PASSWORD=$pg"
write review.env "INTAKE_REVIEW_SECRET=$(random)"
write index-db.env "INTAKE_INDEX_PASSWORD=$(random)"
# MinIO's bucket notifications to the worker's webhook: one token, in two files (one per service). MinIO
# sends its value as the Authorization header verbatim ("Bearer <token>"); the worker checks the token.
# When one file exists, its token is reused for the other, so that the two always agree.
token="$(sed -n 's/^INTAKE_EVENTS_TOKEN=//p' "$dir/events-worker.env" 2>/dev/null || true)"
[ -n "$token" ] || token="$(sed -n 's/^MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_INTAKE=Bearer //p' "$dir/events-minio.env" 2>/dev/null || true)"
[ -n "$token" ] || token="$(random)"
write events-minio.env "MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_INTAKE=Bearer $token"
write events-worker.env "INTAKE_EVENTS_TOKEN=$token"
if ! grep -qxF "MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_INTAKE=Bearer $token" "$dir/events-minio.env"; then
  echo "differ  $dir/events-minio.env and events-worker.env hold different tokens: remove both and run again" >&2
  exit 1
fi
[ -e "$dir/review-accounts.toml" ] || echo "missing $dir/review-accounts.toml: make it with \`intake review-account\`"
