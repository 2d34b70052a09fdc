"""A PostgreSQL server of its own on loopback for the tests (Debian's `postgresql` package: initdb into a
temporary folder, `pg_ctl start`, password authentication as in production), for Prefect's database and
the intake's index (`index_database`: a fresh database per test, through psycopg 3 as in production).
PostgreSQL refuses to run as root: as root, the folder is given to the `postgres` user (made by the
package) and every command runs through `runuser`."""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.s3_server import free_port

USER = "prefect"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl (PATH first, else Debian's /usr/lib/postgresql/<version>/bin)."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]), reverse=True)
    return versions[0].parent if versions else None


class PostgresServer:
    """initdb + pg_ctl start on a free loopback port; `database()` makes a fresh database, `stop()` removes all."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir, self.port, self.password = bin_dir, free_port(), secrets.token_urlsafe(24)
        self.root = Path(tempfile.mkdtemp(prefix="intake-postgres-"))  # not under pytest's 0700 tmp: the server user reads it
        self.data = self.root / "data"
        self._runas: list[str] = []
        if os.geteuid() == 0:
            owner = "postgres" if _user_exists("postgres") else "nobody"
            shutil.chown(self.root, owner, owner if owner == "postgres" else None)
            self._runas = ["runuser", "-u", owner, "--"]
        self.root.chmod(0o700)

    def _run(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self._runas, str(self.bin_dir / command[0]), *command[1:]],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
            **kwargs,
        )

    def start(self) -> PostgresServer:
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self._runas:
            shutil.chown(pwfile, self._runas[2])
        try:
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                USER,
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
            )
            options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.root} -c fsync=off"
            self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w", "-t", "60", "start"
            )
        except subprocess.CalledProcessError as error:
            raise RuntimeError(f"PostgreSQL did not start: {error.stderr[-2000:]}{self.log()[-2000:]}") from None
        finally:
            pwfile.unlink()
        return self

    def database(self, name: str) -> str:
        """A new, empty database; its SQLAlchemy URL for Prefect (asyncpg)."""
        env = {**os.environ, "PGPASSWORD": self.password}
        subprocess.run(
            [str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name],
            check=True,
            capture_output=True,
            env=env,
            timeout=60,
        )
        return f"postgresql+asyncpg://{USER}:{self.password}@127.0.0.1:{self.port}/{name}"

    def index_database(self, name: str) -> str:
        """A new, empty database for the index; its SQLAlchemy URL (psycopg 3, INTAKE_INDEX_URL's driver).
        Made over a connection, not by `createdb`: a test's database costs milliseconds."""
        url = f"postgresql+psycopg://{USER}:{self.password}@127.0.0.1:{self.port}/{name}"
        recreate_database(url)
        return url

    def log(self) -> str:
        try:
            return (self.root / "server.log").read_text()
        except OSError:
            return ""

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pass
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _on_server(url: str, *statements: str) -> None:
    """Run statements on the database a URL names ({} stands for its name) from the server's `postgres`
    database (autocommit: CREATE and DROP DATABASE run outside a transaction)."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    with psycopg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password, dbname="postgres", autocommit=True
    ) as connection:
        for statement in statements:
            connection.execute(sql.SQL(statement).format(sql.Identifier(parsed.database or "")))


def recreate_database(url: str) -> None:
    """Drop the database a URL names (its connections closed) and make it again, empty."""
    _on_server(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", "CREATE DATABASE {}")


def drop_database(url: str) -> None:
    _on_server(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
