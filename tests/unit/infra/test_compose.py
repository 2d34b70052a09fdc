"""The production set-up as written (infra/compose.yaml, compose.dev.yaml, Dockerfile, create-bucket.sh,
make-secrets.sh, .dockerignore): no Docker engine runs on the build machines, so its properties are read
from the files and kept here. Its commands are run in tests/integration/test_compose_commands.py."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.compose_file import INFRA, environment, load

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
}
SECRET_FILES = {file for file, _ in SECRETS.values()}


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
    assert set(services["worker"]["depends_on"]) == {"create-bucket", "prefect-server"}
    assert set(services["prefect-server"]["depends_on"]) == {"postgres"}
    assert set(services["create-bucket"]["depends_on"]) == {"minio"}


def test_the_healthchecks_ask_the_right_ports(services):
    assert "4200/api/health" in " ".join(services["prefect-server"]["healthcheck"]["test"])
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
    for secret in ("MINIO_ROOT_PASSWORD", "INTAKE_S3_SECRET_KEY", "POSTGRES_PASSWORD", "INTAKE_REVIEW_SECRET"):
        assert len(values[secret]) >= 32
    before = (secrets_dir / "review.env").read_text()
    subprocess.run(["sh", str(script)], check=True, capture_output=True)
    assert (secrets_dir / "review.env").read_text() == before  # kept, never regenerated


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


def test_the_readme_checklist_matches_the_compose_file(services):
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Production checklist", 1)[1].split("\n## ", 1)[0]
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
    ):
        assert text in section, text
