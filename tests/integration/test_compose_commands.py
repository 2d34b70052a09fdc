"""The services of infra/compose.yaml, run AS THE COMPOSE FILE WRITES THEM, outside containers: each
service's `command:`, its `environment:` (with `${VAR:-default}` as Compose reads it, the variable unset),
its env_files as infra/make-secrets.sh writes them, the image's ENV (infra/Dockerfile), and its
healthcheck. Only what a container network gives is mapped to loopback stand-ins: `minio:9000` -> an
S3-protocol server (moto, or MinIO when installed) with the bucket made as create-bucket makes it (object
lock, default retention), `prefect-server:4200` -> a `prefect server start`, `postgres:5432` -> a
PostgreSQL server of the tests' own, port 8000/4200 -> free ports, /home/intake and /run/intake -> temporary
folders. A typo in a command, a variable name or a healthcheck fails here."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.compose_file import INFRA, environment, interpolate_unset, load, read_env_file
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


def test_the_worker_command_serves_the_deployment_on_the_locked_bucket(tmp_path, restartable_s3_server, services, secrets_dir):
    server_home = tmp_path / "prefect-server"
    server_home.mkdir()
    prefect, url = start_prefect_server(server_home)
    worker = services["worker"]
    bucket = make_locked_bucket(restartable_s3_server, services)
    home = tmp_path / "home-intake"
    home.mkdir()
    env = service_env(
        worker,
        secrets_dir,
        image_env(home),
        {"minio:9000": restartable_s3_server.endpoint, "http://prefect-server:4200/api": url},
    )
    assert env["INTAKE_BUCKET"] == bucket and env["INTAKE_S3_SECRET_KEY"]
    storage = restartable_s3_server.storage(bucket)
    storage.put_bytes("inbox/extranet/COMPOSE-1/manifest.json", b"{not json")  # a bad manifest: a claim with its reason
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command_of(worker, {}), env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        from prefect.client.orchestration import PrefectClient

        async def deployment():
            async with PrefectClient(url) as client:
                try:
                    return await client.read_deployment_by_name("watch-inbox/intake")
                except Exception:
                    return None

        deadline = time.monotonic() + STARTUP_SECONDS
        while (found := asyncio.run(deployment())) is None:
            assert process.poll() is None, f"intake serve exited {process.returncode}:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no deployment watch-inbox/intake:\n{log.read_text()[-3000:]}"
            time.sleep(1)
        assert found.schedules and found.schedules[0].schedule.interval.total_seconds() == 30  # type: ignore[union-attr]
        deadline = time.monotonic() + STARTUP_SECONDS  # the first pass (notifications absent on moto: polling)
        while not [o for o in storage.list("claims/") if o.key.endswith("/claim.json")]:
            assert process.poll() is None, f"intake serve exited {process.returncode}:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"the submission was not taken:\n{log.read_text()[-3000:]}"
            time.sleep(1)
        assert (home / ".prefect").is_dir()  # PREFECT_HOME, the image's, was written
    finally:
        process.terminate()
        process.wait(timeout=30)
        stop(prefect)
    assert env["INTAKE_S3_SECRET_KEY"] not in log.read_text()


def test_the_review_command_answers_its_healthcheck(tmp_path, s3_server, services, secrets_dir):
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
    env = service_env(review, secrets_dir, image_env(home), {"minio:9000": s3_server.endpoint, accounts_target: str(accounts)})
    assert env["INTAKE_REVIEW_SECURE_COOKIES"] == "true"
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
