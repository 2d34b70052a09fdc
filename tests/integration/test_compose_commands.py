"""The services of infra/compose.yaml, run AS THE COMPOSE FILE WRITES THEM, outside containers: each
service's `command:`, its `environment:` (with `${VAR:-default}` as Compose reads it, the variable unset),
its env_files as infra/make-secrets.sh writes them, the image's ENV (infra/Dockerfile), and its
healthcheck. Only what a container network gives is mapped to loopback stand-ins: `minio:9000` -> an
S3-protocol server (moto, or MinIO when installed) with the bucket made as create-bucket makes it (object
lock, default retention), `prefect-server:4200` -> a `prefect server start`, `postgres:5432` -> a
PostgreSQL server of the tests' own, on which infra/postgres-init.sql is run as the postgres image runs
it (psql, the index's password from index-db.env), `worker:8081` (MinIO's webhook endpoint) and port
8000/4200 -> free ports, /home/intake and /run/intake -> temporary folders. MinIO's side of the events is
played by the test: the document MinIO POSTs, to the endpoint and with the token of MinIO's environment.
A typo in a command, a variable name or a healthcheck fails here."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.compose_file import INFRA, environment, interpolate_unset, load, option, read_env_file
from tests.minio_events import created_event
from tests.prefect_server import start_prefect_server, stop
from tests.s3_server import free_port

VENV_BIN = Path(sys.executable).parent
STARTUP_SECONDS = 120


@pytest.fixture(scope="module")
def services() -> dict:
    return load()["services"]


@pytest.fixture(scope="module")
def secrets_dir(tmp_path_factory) -> Path:
    """infra/secrets/ as infra/make-secrets.sh writes it (run on a copy of the script)."""
    root = tmp_path_factory.mktemp("compose-root")
    (root / "infra").mkdir()
    shutil.copy(INFRA / "make-secrets.sh", root / "infra" / "make-secrets.sh")
    subprocess.run(["sh", str(root / "infra" / "make-secrets.sh")], check=True, capture_output=True)
    return root / "infra" / "secrets"


INITDB = "/docker-entrypoint-initdb.d/"


def init_script(services: dict) -> Path:
    """The file the postgres service mounts into the image's init folder (infra/postgres-init.sql)."""
    mounts = [v for v in services["postgres"]["volumes"] if isinstance(v, str) and f":{INITDB}" in v]
    assert len(mounts) == 1, mounts
    source, _target, mode = mounts[0].split(":")
    assert mode == "ro"
    return INFRA / source


def run_init_script(services: dict, secrets_dir: Path, server, database: str, **extra: str) -> subprocess.CompletedProcess:
    """infra/postgres-init.sql as the postgres image runs a `*.sql` of its init folder (docker_process_sql:
    `psql -v ON_ERROR_STOP=1 --username $POSTGRES_USER --no-password --no-psqlrc --dbname $POSTGRES_DB -f`),
    in the service's environment (its env_files included). Stand-ins: the container's local socket
    (trusted there) -> our server over TCP with its superuser's password; POSTGRES_DB -> `database`."""
    env = service_env(services["postgres"], secrets_dir, {}, {})
    env |= {
        "PATH": f"{server.bin_dir}:{env['PATH']}",
        "POSTGRES_DB": database,
        "PGHOST": "127.0.0.1",
        "PGPORT": str(server.port),
        "PGPASSWORD": server.password,
        **extra,
    }
    psql = ["psql", "-v", "ON_ERROR_STOP=1", "--username", env["POSTGRES_USER"], "--no-password", "--no-psqlrc"]
    return subprocess.run(
        [*psql, "--dbname", env["POSTGRES_DB"], "-f", str(init_script(services))],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@dataclass(frozen=True)
class IndexDatabase:
    host: str  # the stand-in for `postgres:5432`
    prefect_db: str  # the stand-in for POSTGRES_DB (Prefect's database)


@pytest.fixture
def index_database(postgres_server, services, secrets_dir):
    """The postgres container at its first start: Prefect's database (a stand-in of the test's own) and
    postgres-init.sql run on it, twice (it must be safe to run again). The role and the databases are
    dropped afterwards."""
    from sqlalchemy.engine import make_url

    from infra.index.engine import dispose_all
    from tests.postgres import _on_server, drop_database, recreate_database

    url = make_url(environment(services["worker"])["INTAKE_INDEX_URL"] or "")
    server_url = f"postgresql+psycopg://prefect:{postgres_server.password}@127.0.0.1:{postgres_server.port}"
    prefect_db = f"prefect_{uuid.uuid4().hex[:12]}"
    recreate_database(f"{server_url}/{prefect_db}")
    for _ in range(2):
        done = run_init_script(services, secrets_dir, postgres_server, prefect_db)
        assert done.returncode == 0, done.stderr
    dispose_all()
    yield IndexDatabase(f"127.0.0.1:{postgres_server.port}", prefect_db)
    dispose_all()
    drop_database(f"{server_url}/{url.database}")
    drop_database(f"{server_url}/{prefect_db}")
    _on_server(f"{server_url}/{url.username}", "DROP ROLE IF EXISTS {}")


def image_env(home: Path) -> dict[str, str]:
    """The ENV lines of infra/Dockerfile (the worker and desk image), /home/intake -> `home`."""
    env: dict[str, str] = {}
    for line in (INFRA / "Dockerfile").read_text().splitlines():
        if line.startswith("ENV "):
            env |= dict(pair.split("=", 1) for pair in line[4:].split())
    return {key: value.replace("/home/intake", str(home)) for key, value in env.items()}


def service_env(service: dict, secrets_dir: Path, base: dict[str, str], hosts: dict[str, str]) -> dict[str, str]:
    """What the container's process sees: a bare PATH and locale, the image's ENV, the env_files, then
    `environment:` (Compose's order of precedence), with the network names replaced by `hosts`."""
    env = {"PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": str(INFRA.parent), **base}
    for file in service.get("env_file") or []:
        env |= read_env_file(secrets_dir / Path(file).name)
    for key, value in environment(service).items():
        assert value is not None, f"{key} is passed through from the shell: not expected in this file"
        env[key] = interpolate_unset(value)
    for key, value in env.items():
        for name, stand_in in hosts.items():
            value = value.replace(name, stand_in)
        env[key] = value
    return env


def command_of(service: dict, replace: dict[str, str]) -> list[str]:
    """The service's command, list form, with the program taken from this venv and `replace` applied."""
    command = service["command"]
    assert isinstance(command, list), "commands are written in list form (no shell between)"
    program = shutil.which(command[0], path=str(VENV_BIN))
    assert program, f"{command[0]} is not installed by the project"
    return [program, *(replace.get(arg, arg) for arg in command[1:])]


def healthcheck_passes(service: dict, replace: dict[str, str], env: dict[str, str]) -> bool:
    test = service["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "python"
    args = [sys.executable, *test[2:]]
    for old, new in replace.items():
        args = [arg.replace(old, new) for arg in args]
    return subprocess.run(args, env=env, capture_output=True, timeout=30).returncode == 0


def wait_healthy(process: subprocess.Popen, service: dict, replace: dict[str, str], env: dict[str, str], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not healthcheck_passes(service, replace, env):
        assert process.poll() is None, f"exited {process.returncode}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"never healthy:\n{log.read_text()[-3000:]}"
        time.sleep(1)


def make_locked_bucket(s3_server, services: dict) -> str:
    """The bucket as create-bucket.sh makes it: object lock, default retention in the file's mode."""
    import boto3

    from tests.s3_server import ACCESS_KEY, SECRET_KEY

    env = environment(services["create-bucket"])
    bucket = env["INTAKE_BUCKET"]
    client = boto3.client(
        "s3",
        endpoint_url=f"http://{s3_server.endpoint}",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    years = int(re.fullmatch(r"(\d+)y", env["INTAKE_RETENTION_VALIDITY"] or "").group(1))  # type: ignore[union-attr]
    client.put_object_lock_configuration(
        Bucket=bucket,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": env["INTAKE_RETENTION_MODE"], "Years": years}},
        },
    )
    return bucket


def test_the_postgres_init_script_makes_the_index_database_its_role_alone(
    index_database, postgres_server, services, secrets_dir, tmp_path, monkeypatch
):
    """The role and database of the worker's INTAKE_INDEX_URL exist, the password of index-db.env opens
    them, the service's migrations run as that role (it owns its schema), and it is nothing more."""
    import psycopg
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from infra.index.engine import default_url, engine_for
    from infra.storage.local import LocalStorage

    env = service_env(services["worker"], secrets_dir, {}, {"postgres:5432": index_database.host})
    password = env["INTAKE_INDEX_PASSWORD"]
    assert password == read_env_file(secrets_dir / "index-db.env")["INTAKE_INDEX_PASSWORD"]
    assert password not in env["INTAKE_INDEX_URL"]
    monkeypatch.setenv("INTAKE_INDEX_URL", env["INTAKE_INDEX_URL"])
    monkeypatch.setenv("INTAKE_INDEX_PASSWORD", password)
    url = default_url(LocalStorage(tmp_path / "store"))
    with engine_for(url).connect() as connection:  # migrated on first use: tables made by the role itself
        assert connection.execute(text("SELECT current_user, current_database()")).one() == ("intake", "intake_index")
        role = connection.execute(text("SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user"))
        assert role.one() == (False, False, False)
        tables = connection.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'intake'"))
        assert tables.scalar_one() > 0
    parsed = make_url(url)
    with pytest.raises(psycopg.OperationalError, match="CONNECT privilege"):  # Prefect's database is not the role's
        psycopg.connect(host=parsed.host, port=parsed.port, user="intake", password=password, dbname=index_database.prefect_db)
    assert password not in postgres_server.log()


def tmp_secrets(secrets_dir: Path, replace: dict[str, str]) -> Path:
    """A copy of the secrets folder with some files' contents replaced."""
    copy = secrets_dir.parent / f"secrets-{uuid.uuid4().hex[:8]}"
    shutil.copytree(secrets_dir, copy)
    for name, content in replace.items():
        (copy / name).write_text(content)
    return copy


def test_the_postgres_init_script_refuses_a_missing_password(index_database, postgres_server, services, secrets_dir):
    for content in ("", "INTAKE_INDEX_PASSWORD=\n", "INTAKE_INDEX_PASSWORD=short\n"):
        missing = tmp_secrets(secrets_dir, {"index-db.env": content})
        refused = run_init_script(services, missing, postgres_server, index_database.prefect_db)
        assert refused.returncode != 0 and "infra/secrets/index-db.env" in refused.stderr, content


def test_the_worker_command_serves_the_deployments_and_minio_events_on_the_locked_bucket(
    tmp_path, restartable_s3_server, index_database, services, secrets_dir
):
    server_home = tmp_path / "prefect-server"
    server_home.mkdir()
    prefect, url = start_prefect_server(server_home)
    worker, minio = services["worker"], services["minio"]
    bucket = make_locked_bucket(restartable_s3_server, services)
    home = tmp_path / "home-intake"
    home.mkdir()
    events_port = str(free_port())
    endpoint = urlsplit(environment(minio)["MINIO_NOTIFY_WEBHOOK_ENDPOINT_INTAKE"] or "")
    assert f"{endpoint.hostname}:{endpoint.port}" == f"worker:{option(worker, '--events-port')}"
    webhook = f"http://127.0.0.1:{events_port}{endpoint.path}"  # where MinIO's endpoint leads, here
    minio_token = service_env(minio, secrets_dir, {}, {})["MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_INTAKE"]
    env = service_env(
        worker,
        secrets_dir,
        image_env(home),
        {
            "minio:9000": restartable_s3_server.endpoint,
            "http://prefect-server:4200/api": url,
            "postgres:5432": index_database.host,
        },
    )
    assert env["INTAKE_BUCKET"] == bucket and env["INTAKE_S3_SECRET_KEY"] and env["INTAKE_INDEX_PASSWORD"]
    assert env["INTAKE_EVENTS_TOKEN"] and env["INTAKE_EVENTS_TOKEN"] in minio_token
    interval = float(option(worker, "--interval") or 0)
    storage = restartable_s3_server.storage(bucket)
    storage.put_bytes("inbox/extranet/COMPOSE-1/manifest.json", b"{not json")  # a bad manifest: a claim with its reason
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command_of(worker, {option(worker, "--events-port") or "": events_port}),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )

    def claims() -> list[str]:
        return [o.key for o in storage.list("claims/") if o.key.endswith("/claim.json")]

    def wait_for(what: str, done, seconds: float = STARTUP_SECONDS) -> float:
        deadline = time.monotonic() + seconds
        while not done():
            assert process.poll() is None, f"intake serve exited {process.returncode}:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"{what}:\n{log.read_text()[-3000:]}"
            time.sleep(0.5)
        return time.monotonic()

    try:
        from prefect.client.orchestration import PrefectClient

        async def deployments():
            async with PrefectClient(url) as client:
                found = {}
                for name in ("intake-submission/intake", "intake-monitor/intake"):
                    try:
                        found[name] = await client.read_deployment_by_name(name)
                    except Exception:
                        return None
                return found

        wait_for("no deployments intake-submission/intake and intake-monitor/intake", lambda: asyncio.run(deployments()))
        first = wait_for("the first pass did not take the submission", lambda: len(claims()) == 1)
        # MinIO's side: its health check (HEAD, no token), a document without the token, then one with it.
        wait_for("the webhook does not answer", lambda: _answers(webhook))
        hour = datetime.now(UTC).strftime("%Y-%m-%dT%H")
        key = f"inbox/{hour}/extranet/COMPOSE-2/manifest.json"
        storage.put_bytes(key, b"{not json either")
        event = created_event(bucket, key)
        assert httpx.post(webhook, content=event, timeout=10).status_code == 401
        assert httpx.post(webhook, content=event, headers={"Authorization": minio_token}, timeout=30).status_code == 204
        seen = wait_for("the announced submission was not started", lambda: len(claims()) == 2)
        # started by the event, not by the next pass (due `interval` seconds after the first one)
        assert seen - first < interval - 15, f"{seen - first:.0f} s: the event did not start it"
        assert (home / ".prefect").is_dir()  # PREFECT_HOME, the image's, was written
    finally:
        process.terminate()
        process.wait(timeout=30)
        stop(prefect)
    text = log.read_text()
    for secret in ("INTAKE_S3_SECRET_KEY", "INTAKE_INDEX_PASSWORD", "INTAKE_EVENTS_TOKEN"):
        assert env[secret] not in text, secret


def _answers(url: str) -> bool:
    try:
        return httpx.head(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_the_review_command_answers_its_healthcheck(tmp_path, s3_server, index_database, services, secrets_dir):
    review = services["review"]
    home = tmp_path / "home-intake"
    home.mkdir()
    accounts_target = review["volumes"][0]["target"]
    accounts = tmp_path / "run-intake" / Path(accounts_target).name
    accounts.parent.mkdir()
    made = subprocess.run(
        [str(VENV_BIN / "intake"), "review-account", "gestionnaire", "--role", "manager", "--password-stdin"],
        input="un mot de passe assez long\n",
        capture_output=True,
        text=True,
        check=True,
    )
    accounts.write_text(made.stdout)
    port = str(free_port())
    hosts = {"minio:9000": s3_server.endpoint, accounts_target: str(accounts), "postgres:5432": index_database.host}
    env = service_env(review, secrets_dir, image_env(home), hosts)
    assert env["INTAKE_REVIEW_SECURE_COOKIES"] == "true" and env["INTAKE_INDEX_PASSWORD"]
    log = tmp_path / "review.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command_of(review, {"8000": port}), env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path
        )
    try:
        wait_healthy(process, review, {"8000": port}, env, log)
    finally:
        process.terminate()
        process.wait(timeout=30)
    text = log.read_text()
    assert "1 account(s)" in text and "S3 bucket intake" in text, text[-2000:]
    assert "INTAKE_REVIEW_SECRET not set" not in text  # review.env reached the desk
    assert env["INTAKE_INDEX_PASSWORD"] not in text


def test_the_prefect_server_command_runs_on_postgresql_and_answers_its_healthcheck(
    tmp_path, postgres_server, services, secrets_dir
):
    server = services["prefect-server"]
    env_file = read_env_file(secrets_dir / "postgres.env")
    assert env_file["POSTGRES_PASSWORD"] == env_file["PREFECT_SERVER_DATABASE_PASSWORD"]
    database = environment(server)["PREFECT_SERVER_DATABASE_NAME"]
    assert database == environment(services["postgres"])["POSTGRES_DB"]
    postgres_server.database(database)
    # Stand-ins: the postgres container was initialised with this file's POSTGRES_PASSWORD; ours has its own.
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "postgres.env").write_text(
        f"POSTGRES_PASSWORD={postgres_server.password}\nPREFECT_SERVER_DATABASE_PASSWORD={postgres_server.password}\n"
    )
    port = str(free_port())
    home = tmp_path / "prefect-home"
    env = service_env(server, secrets, {"PREFECT_HOME": str(home), "HOME": str(home)}, {})
    assert env["PREFECT_SERVER_DATABASE_HOST"] == "postgres" and env["PREFECT_SERVER_DATABASE_PORT"] == "5432"
    env |= {
        "PREFECT_SERVER_DATABASE_HOST": "127.0.0.1",
        "PREFECT_SERVER_DATABASE_PORT": str(postgres_server.port),
        "PREFECT_SERVER_API_PORT": port,
    }  # the container's own network: 4200 there, a free port here
    log = tmp_path / "prefect.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command_of(server, {}), env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        wait_healthy(process, server, {"4200": port}, env, log)
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/admin/settings", timeout=10) as answer:
            settings = answer.read().decode()
        assert "postgresql+asyncpg" in settings and postgres_server.password not in settings
        assert env["PREFECT_UI_API_URL"] == "http://localhost:4200/api"
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert not (home / "prefect.db").exists()  # nothing on SQLite
    assert os.environ.get("PREFECT_SERVER_DATABASE_PASSWORD") is None
