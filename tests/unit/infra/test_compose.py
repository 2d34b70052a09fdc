"""The production set-up as written (infra/compose.yaml, compose.dev.yaml, Dockerfile, create-bucket.sh,
make-secrets.sh, postgres-init.sql, .dockerignore): no Docker engine runs on the build machines, so its
properties are read from the files and kept here. Its commands are run in
tests/integration/test_compose_commands.py (the init script on a real PostgreSQL)."""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import make_url

from infra.storage.webhook import EventWebhook
from tests.compose_file import INFRA, environment, load, option, read_env_file

REPO = INFRA.parent
LONG_RUNNING = {"minio", "postgres", "prefect-server", "worker", "review"}
ONE_SHOT = {"create-bucket"}
HEALTHCHECKED = {"minio", "postgres", "prefect-server", "review"}
# Each secret, the env_file that holds it, and the only services that may receive it.
SECRETS = {
    "MINIO_ROOT_USER": ("secrets/minio.env", {"minio", "create-bucket"}),
    "MINIO_ROOT_PASSWORD": ("secrets/minio.env", {"minio", "create-bucket"}),
    "INTAKE_S3_ACCESS_KEY": ("secrets/intake-s3.env", {"create-bucket", "worker", "review"}),
    "INTAKE_S3_SECRET_KEY": ("secrets/intake-s3.env", {"create-bucket", "worker", "review"}),
    "POSTGRES_PASSWORD": ("secrets/postgres.env", {"postgres", "prefect-server"}),
    "PREFECT_SERVER_DATABASE_PASSWORD": ("secrets/postgres.env", {"postgres", "prefect-server"}),
    "INTAKE_REVIEW_SECRET": ("secrets/review.env", {"review"}),
    "INTAKE_INDEX_PASSWORD": ("secrets/index-db.env", {"postgres", "worker", "review"}),
    "MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_INTAKE": ("secrets/events-minio.env", {"minio"}),
    "INTAKE_EVENTS_TOKEN": ("secrets/events-worker.env", {"worker"}),
}
SECRET_FILES = {file for file, _ in SECRETS.values()}
# The secrets make-secrets.sh draws at random (60 hex characters each, all different).
RANDOM = (
    "MINIO_ROOT_PASSWORD",
    "INTAKE_S3_SECRET_KEY",
    "POSTGRES_PASSWORD",
    "INTAKE_REVIEW_SECRET",
    "INTAKE_INDEX_PASSWORD",
    "INTAKE_EVENTS_TOKEN",
)
INIT_SQL = "/docker-entrypoint-initdb.d/10-intake-index.sql"
EVENTS_ARN = "arn:minio:sqs::INTAKE:webhook"


@pytest.fixture(scope="module")
def compose() -> dict:
    return load("compose.yaml")


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def test_the_services_are_there(services):
    assert set(services) == LONG_RUNNING | ONE_SHOT


def test_every_service_restarts(services):
    for name, service in services.items():
        expected = {"on-failure"} if name in ONE_SHOT else {"unless-stopped", "always"}
        assert service.get("restart") in expected, name


def test_healthchecks_and_every_dependency_waits_for_health_or_completion(services):
    for name in HEALTHCHECKED:
        check = services[name].get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), name
    for name, service in services.items():
        for dependency, condition in (service.get("depends_on") or {}).items():
            wanted = "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
            assert condition == {"condition": wanted}, f"{name} -> {dependency}"
            assert dependency in ONE_SHOT or dependency in HEALTHCHECKED
    assert services["worker"]["depends_on"]["prefect-server"] == {"condition": "service_healthy"}
    assert set(services["worker"]["depends_on"]) == {"create-bucket", "postgres", "prefect-server"}
    assert set(services["review"]["depends_on"]) == {"create-bucket", "postgres"}  # both open the index
    assert set(services["prefect-server"]["depends_on"]) == {"postgres"}
    assert set(services["create-bucket"]["depends_on"]) == {"minio"}


def test_the_healthchecks_ask_the_right_ports(services):
    assert "4200/api/health" in " ".join(services["prefect-server"]["healthcheck"]["test"])
    # over TCP, which the postgres image opens only once its init scripts (the index database) are done
    assert "pg_isready -h 127.0.0.1 " in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "8000/login" in " ".join(services["review"]["healthcheck"]["test"])
    assert "8000" in services["review"]["command"]


def test_no_variable_is_required_file_wide_and_no_credential_has_a_default():
    """`${VAR:?}` anywhere stops every compose command; `${VAR:-x}` must never be a credential."""
    text = "\n".join(line for line in (INFRA / "compose.yaml").read_text().splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"\$\{[A-Z0-9_]+:?\?", text), "a required variable stops every service"
    for name, default in re.findall(r"\$\{([A-Z0-9_]+):?-([^}]*)\}", text):
        assert not re.search(r"PASSWORD|SECRET|KEY|USER|TOKEN", name), name
        assert "change-me" not in default
    assert "change-me" not in text and "minioadmin" not in text


def test_secrets_come_from_their_env_files_only_to_the_services_using_them(services):
    for name, service in services.items():
        env, files = environment(service), set(service.get("env_file") or [])
        assert files <= SECRET_FILES, name
        for secret, (file, users) in SECRETS.items():
            assert secret not in env, f"{secret} is written in {name}'s environment"
            if name in users:
                assert file in files, f"{name} needs {file}"
        for file in files:
            assert name in set().union(*(users for f, users in SECRETS.values() if f == file)), f"{name} gets {file}"
    assert "secrets/review.env" in services["review"]["env_file"]
    assert all("secrets/review.env" not in (s.get("env_file") or []) for n, s in services.items() if n != "review")


def test_the_prefect_server_runs_on_postgresql_and_tells_the_ui_its_api(services):
    env = environment(services["prefect-server"])
    assert env["PREFECT_SERVER_DATABASE_DRIVER"] == "postgresql+asyncpg"
    assert env["PREFECT_SERVER_DATABASE_HOST"] == "postgres"
    assert env["PREFECT_SERVER_DATABASE_USER"] == environment(services["postgres"])["POSTGRES_USER"]
    assert env["PREFECT_SERVER_DATABASE_NAME"] == environment(services["postgres"])["POSTGRES_DB"]
    assert (env.get("PREFECT_UI_API_URL") or "").rstrip("}").endswith("/api")
    assert "PREFECT_API_DATABASE_CONNECTION_URL" not in env  # it would carry the password
    assert environment(services["worker"])["PREFECT_API_URL"] == "http://prefect-server:4200/api"


def test_the_worker_and_the_desk_read_the_bucket_create_bucket_makes(services):
    bucket = environment(services["create-bucket"])["INTAKE_BUCKET"]
    for name in ("worker", "review"):
        env = environment(services[name])
        assert env["INTAKE_STORAGE"] == "s3" and env["INTAKE_BUCKET"] == bucket, name
        assert env["INTAKE_S3_ENDPOINT"] == "minio:9000", name
    accounts = services["review"]["volumes"][0]
    assert accounts["target"] == environment(services["review"])["INTAKE_REVIEW_ACCOUNTS"]
    assert accounts["source"] == "./secrets/review-accounts.toml" and accounts["read_only"]
    assert accounts["bind"]["create_host_path"] is False


def test_published_ports_are_on_loopback(services):
    for name, service in services.items():
        for port in service.get("ports") or []:
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"


def test_the_bucket_gets_object_lock_and_a_default_retention(services):
    service = services["create-bucket"]
    env = environment(service)
    assert env["INTAKE_RETENTION_MODE"] in {"GOVERNANCE", "COMPLIANCE"}
    years = re.fullmatch(r"(\d+)y", env["INTAKE_RETENTION_VALIDITY"])
    assert years and int(years.group(1)) >= 5, "originals are kept at least 5 years (DOMAIN.md, seeds)"
    assert service["volumes"] == ["./create-bucket.sh:/create-bucket.sh:ro"]
    script = (INFRA / "create-bucket.sh").read_text()
    assert "mc mb --ignore-existing --with-lock" in script
    assert 'mc retention set --default "$mode" "$validity" "$bucket"' in script
    assert "set -eu" in script
    for refused in ("BypassGovernanceRetention", "DeleteObjectVersion", "PutObjectRetention", "PutBucketObjectLockConfiguration"):
        assert f"s3:{refused}" not in script.split("POLICY")[1], refused


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell")
@pytest.mark.parametrize("script", ["create-bucket.sh", "make-secrets.sh"])
def test_the_scripts_parse(script):
    subprocess.run(["sh", "-n", str(INFRA / script)], check=True)


def test_make_secrets_writes_every_env_file_once_with_random_values(tmp_path):
    (tmp_path / "infra").mkdir()
    script = tmp_path / "infra" / "make-secrets.sh"
    shutil.copy(INFRA / "make-secrets.sh", script)
    subprocess.run(["sh", str(script)], check=True, capture_output=True)
    secrets_dir = tmp_path / "infra" / "secrets"
    assert {f"secrets/{p.name}" for p in secrets_dir.iterdir()} == SECRET_FILES
    values: dict[str, str] = {}
    for path in secrets_dir.iterdir():
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"
        values |= dict(line.split("=", 1) for line in path.read_text().splitlines())
    assert set(values) == set(SECRETS)
    assert values["POSTGRES_PASSWORD"] == values["PREFECT_SERVER_DATABASE_PASSWORD"]
    for secret in RANDOM:
        assert len(values[secret]) >= 32 and re.fullmatch(r"[0-9a-f]+", values[secret]), secret
    assert len({values[secret] for secret in RANDOM}) == len(RANDOM), "each secret its own value"
    assert values["MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_INTAKE"] == "Bearer " + values["INTAKE_EVENTS_TOKEN"]
    before = {path.name: path.read_text() for path in secrets_dir.iterdir()}
    subprocess.run(["sh", str(script)], check=True, capture_output=True)
    assert {path.name: path.read_text() for path in secrets_dir.iterdir()} == before  # kept, never regenerated
    for lost in ("events-worker.env", "events-minio.env"):  # one of the pair lost: made again with the other's token
        (secrets_dir / lost).unlink()
        subprocess.run(["sh", str(script)], check=True, capture_output=True)
        assert {path.name: path.read_text() for path in secrets_dir.iterdir()} == before, lost
    (secrets_dir / "events-worker.env").write_text("INTAKE_EVENTS_TOKEN=" + "0" * 60 + "\n")
    differ = subprocess.run(["sh", str(script)], capture_output=True, text=True)
    assert differ.returncode != 0 and "different tokens" in differ.stderr


def test_the_dev_override_is_the_only_place_with_credentials_and_resets_the_env_files():
    dev = load("compose.dev.yaml")
    text = (INFRA / "compose.dev.yaml").read_text()
    assert text.startswith("# DEVELOPMENT ONLY")
    base = load("compose.yaml")["services"]
    for name, service in dev["services"].items():
        assert name in base
        if base[name].get("env_file"):
            assert service["env_file"] == {"!reset": []}, name
    unused = {("prefect-server", "POSTGRES_PASSWORD"), ("postgres", "PREFECT_SERVER_DATABASE_PASSWORD")}
    for secret, (_, users) in SECRETS.items():
        for name in users:
            assert (name, secret) in unused or secret in environment(dev["services"][name]), f"dev {name} lacks {secret}"
    minio, worker = environment(dev["services"]["minio"]), environment(dev["services"]["worker"])
    assert minio["MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_INTAKE"] == f"Bearer {worker['INTAKE_EVENTS_TOKEN']}"
    passwords = {environment(dev["services"][name])["INTAKE_INDEX_PASSWORD"] for name in ("postgres", "worker", "review")}
    assert len(passwords) == 1 and len(passwords.pop()) >= 16  # postgres-init.sql refuses a shorter one


def test_the_index_database_is_made_at_postgres_first_start_and_reached_without_a_password_in_the_file(services):
    postgres = services["postgres"]
    assert f"./postgres-init.sql:{INIT_SQL}:ro" in postgres["volumes"]
    assert "postgres-data:/var/lib/postgresql/data" in postgres["volumes"]
    sql = (INFRA / "postgres-init.sql").read_text()
    urls = {environment(services[name])["INTAKE_INDEX_URL"] for name in ("worker", "review")}
    assert len(urls) == 1, "the worker and the desk share one index"
    url = make_url(urls.pop() or "")
    assert url.drivername == "postgresql+psycopg" and url.password is None
    assert (url.host, url.port) == ("postgres", 5432)
    assert url.database != environment(postgres)["POSTGRES_DB"], "not Prefect's database"
    assert url.username != environment(postgres)["POSTGRES_USER"], "not Prefect's superuser"
    assert f"CREATE ROLE {url.username} LOGIN" in sql
    assert f"CREATE DATABASE {url.database} OWNER {url.username}" in sql
    assert "NOSUPERUSER NOCREATEDB NOCREATEROLE" in sql
    assert "\\getenv index_password INTAKE_INDEX_PASSWORD" in sql  # from the environment, not a command line
    assert "WHERE NOT EXISTS" in sql, "safe to run again (an existing volume needs it run by hand)"
    assert "exec postgres" in sql, "says how to run it on an existing volume"


def test_minio_sends_inbox_events_to_the_worker_webhook(services):
    minio, worker = environment(services["minio"]), services["worker"]
    assert minio["MINIO_NOTIFY_WEBHOOK_ENABLE_INTAKE"] == "on"
    endpoint = urlsplit(minio["MINIO_NOTIFY_WEBHOOK_ENDPOINT_INTAKE"] or "")
    assert endpoint.scheme == "http" and endpoint.hostname == "worker"
    assert str(endpoint.port) == option(worker, "--events-port"), "MinIO calls the port the worker serves"
    assert endpoint.path == inspect.signature(EventWebhook).parameters["path"].default
    assert option(worker, "--interval") is not None, "the reconciliation pass catches what an event missed"
    assert "ports" not in worker, "the webhook is for MinIO on the compose network only"
    queue = minio["MINIO_NOTIFY_WEBHOOK_QUEUE_DIR_INTAKE"] or ""
    assert queue.startswith("/data/") and "minio-data:/data" in services["minio"]["volumes"], "events kept across restarts"
    assert "INTAKE_EVENTS_TOKEN" not in environment(worker) and "secrets/events-worker.env" in worker["env_file"]
    # the ARN's id is the variables' suffix (MinIO keeps its case)
    assert EVENTS_ARN.split(":")[-2] == ["MINIO_NOTIFY_WEBHOOK_ENABLE", "INTAKE"][1]


def test_create_bucket_adds_the_event_rule_once(services):
    script = (INFRA / "create-bucket.sh").read_text()
    assert f'arn="{EVENTS_ARN}"' in script
    assert 'mc event add --ignore-existing "$bucket" "$arn" --event put --prefix inbox/' in script
    assert 'mc event ls "$bucket" "$arn"' in script  # an existing rule (an older mc's error) is not a failure


FAKE_MC = """#!/bin/sh
# mc as create-bucket.sh calls it: each call logged; `event add` and `event ls` answer as the test says.
echo "$*" >> "$MC_LOG"
case "$1 $2" in
  "event add") exit "$FAKE_EVENT_ADD" ;;
  "event ls") printf '%s' "$FAKE_EVENT_LS" ;;
esac
exit 0
"""


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell")
@pytest.mark.parametrize(
    ("add_exits", "listed", "succeeds"),
    [
        (0, "", True),  # added (or, with --ignore-existing, already there)
        (1, f'{EVENTS_ARN}   s3:ObjectCreated:*   Filter: prefix="inbox/"', True),  # an older mc: "already exists"
        (1, "", False),  # no such target: MinIO's environment is missing
    ],
)
def test_create_bucket_runs_through_the_event_rule(tmp_path, services, add_exits, listed, succeeds):
    (tmp_path / "mc").write_text(FAKE_MC)
    (tmp_path / "mc").chmod(0o755)
    log = tmp_path / "mc.log"
    env = {
        "PATH": f"{tmp_path}:/usr/bin:/bin",
        "MC_LOG": str(log),
        "FAKE_EVENT_ADD": str(add_exits),
        "FAKE_EVENT_LS": listed,
        "MINIO_ROOT_USER": "root",
        "MINIO_ROOT_PASSWORD": "root-password",
        "INTAKE_S3_ACCESS_KEY": "intake-service",
        "INTAKE_S3_SECRET_KEY": "service-password",
        **{k: v or "" for k, v in environment(services["create-bucket"]).items()},
    }
    done = subprocess.run(["sh", str(INFRA / "create-bucket.sh")], env=env, capture_output=True, text=True)
    assert (done.returncode == 0) is succeeds, done.stderr
    bucket = f"local/{env['INTAKE_BUCKET']}"
    calls = log.read_text().splitlines()
    rule = f"event add --ignore-existing {bucket} {EVENTS_ARN} --event put --prefix inbox/"
    assert calls.index(f"mb --ignore-existing --with-lock {bucket}") < calls.index(rule)
    if succeeds:
        assert "events to arn:minio:sqs::INTAKE:webhook" in done.stdout
    else:
        assert "no notification target" in done.stderr


def test_make_secrets_writes_the_tokens_each_service_reads(tmp_path):
    (tmp_path / "infra").mkdir()
    script = tmp_path / "infra" / "make-secrets.sh"
    shutil.copy(INFRA / "make-secrets.sh", script)
    subprocess.run(["sh", str(script)], check=True, capture_output=True)
    minio = read_env_file(tmp_path / "infra" / "secrets" / "events-minio.env")
    worker = read_env_file(tmp_path / "infra" / "secrets" / "events-worker.env")
    hook = EventWebhook("127.0.0.1", 0, worker["INTAKE_EVENTS_TOKEN"], lambda body: None)
    try:
        assert hook.authorised(minio["MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_INTAKE"])  # as MinIO sends it, verbatim
        assert not hook.authorised("Bearer " + "0" * 60)
    finally:
        hook.close()


def test_the_image_runs_as_a_user_with_a_writable_prefect_home():
    dockerfile = (INFRA / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users == ["intake"]
    assert re.search(r"useradd .*--create-home --home-dir /home/intake .*intake$", dockerfile, re.MULTILINE)
    assert "PREFECT_HOME=/home/intake/.prefect" in dockerfile and "HOME=/home/intake" in dockerfile


@pytest.mark.parametrize(
    "path",
    [
        "intake-data/inbox/x.pdf",
        "test-output/review/a.png",
        "out/store/claims/x/claim.json",
        ".env",
        "infra/secrets/minio.env",
        "infra/secrets/review-accounts.toml",
        "reviewers.toml",
        "infra/review-accounts.toml",
        ".git/config",
        ".venv/bin/python",
    ],
)
def test_dockerignore_keeps_data_outputs_and_secrets_out_of_images(path):
    patterns = [
        line.strip() for line in (REPO / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    assert any(_ignored(path, pattern) for pattern in patterns), path


@pytest.mark.parametrize(
    "path",
    [
        "requirements.lock",
        "pyproject.toml",
        "flows/cli.py",
        "infra/Dockerfile",
        "review/templates/base.html",
        "validators/rules/default.toml",
    ],
)
def test_dockerignore_keeps_what_the_build_needs(path):
    patterns = [
        line.strip() for line in (REPO / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    assert not any(_ignored(path, pattern) for pattern in patterns), path


def _ignored(path: str, pattern: str) -> bool:
    """Docker's rule, enough for these patterns: a pattern matches the path or one of its parent folders
    (`**` any number of folders, `*` within one)."""
    regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
    parts = path.split("/")
    return any(re.fullmatch(regex, "/".join(parts[:i])) for i in range(1, len(parts) + 1))


def test_the_production_page_matches_the_compose_file(services):
    """docs/operators/production.md (the operators' production checklist and what it refers to)."""
    section = (REPO / "docs" / "operators" / "production.md").read_text()
    for file in SECRET_FILES | {"secrets/review-accounts.toml"}:
        assert f"infra/{file}" in section, file
    for text in (
        "make-secrets.sh",
        "PREFECT_UI_API_URL",
        "compose.dev.yaml",
        "6y",
        "GOVERNANCE",
        "compose.yaml ps",
        "/api/health",
        "mc retention info",
        "postgres-init.sql",  # an existing postgres volume needs it run once by hand
        "mc event ls",
    ):
        assert text in section, text
