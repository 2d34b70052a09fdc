"""`intake review-account` and `intake review` as a user runs them (subprocesses)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from review.accounts import Authenticator, parse_accounts
from tests.s3_server import free_port


def intake(*args: str, env: dict | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env or os.environ.copy(),
    )


def test_review_account_prints_a_hashed_entry_and_refuses_short_passwords():
    made = intake("review-account", "mdupont", "--role", "manager", "--password-stdin", stdin="un mot de passe long\n")
    assert made.returncode == 0 and "un mot de passe long" not in made.stdout
    accounts = parse_accounts(made.stdout)
    assert Authenticator(accounts).check("mdupont", "un mot de passe long").role.value == "manager"
    short = intake("review-account", "x", "--role", "operator", "--password-stdin", stdin="court\n")
    assert short.returncode == 2 and "10 characters" in short.stderr


def test_review_serves_the_sign_in_page_and_refuses_a_bad_accounts_file(tmp_path):
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(
        intake("review-account", "marie", "--role", "manager", "--password-stdin", stdin="marie-manager-pw\n").stdout
    )
    port = free_port()
    env = {
        **os.environ,
        "INTAKE_STORAGE": "local",
        "INTAKE_ROOT": str(tmp_path / "data"),
        "INTAKE_REVIEW_ACCOUNTS": str(accounts),
    }
    desk = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "review", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                    assert answer.url.endswith("/login?next=%2F") and "Connexion" in answer.read().decode()
                    break
            except (urllib.error.URLError, ConnectionError):
                assert desk.poll() is None and time.monotonic() < deadline, (
                    desk.stderr.read() if desk.poll() is not None else "no answer"
                )
                time.sleep(0.3)
    finally:
        desk.terminate()
        _, errors = desk.communicate(timeout=30)
    assert "INTAKE_REVIEW_SECRET not set" in errors
    accounts.write_text('[accounts.marie]\nrole = "manager"\npassword = "plain-text"\n')
    refused = intake("review", "--port", str(port), env=env)
    assert refused.returncode == 3 and "Argon2 hash" in refused.stderr and "plain-text" not in refused.stderr
    accounts.write_text('[accounts.marie]\nrole = "manager"\npassword = "$argon2id$garbage"\n')
    refused = intake("review", "--port", str(port), env=env)
    assert refused.returncode == 3 and "error [invalid_accounts]: account 'marie': password" in refused.stderr
    assert "Traceback" not in refused.stderr
