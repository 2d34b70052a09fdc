"""Who may sign in to the review desk: accounts from a TOML file, passwords hashed with Argon2id.

    # reviewers.toml (INTAKE_REVIEW_ACCOUNTS) - make one entry with `intake review-account NAME --role manager`
    [accounts.mdupont]
    role = "manager"          # manager: reviews and decides; operator: reads only
    password = "$argon2id$v=19$m=65536,t=3,p=4$..."

Plain-text passwords are refused at load time. A failed sign-in costs the same time whether the
account exists or not, and an account is locked for a while after repeated failures.
"""

from __future__ import annotations

import json
import threading
import time
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models.errors import ConfigError

HASHER = PasswordHasher()
_DUMMY_HASH = HASHER.hash("not a password of anyone")
MAX_FAILURES = 5
LOCKOUT_SECONDS = 300.0


class Role(StrEnum):
    MANAGER = "manager"  # reviews, corrects, asks for proofs, decides
    OPERATOR = "operator"  # reads the queue and the claims, changes nothing


class AccountsError(ConfigError, ValueError):
    """The accounts file is unusable (said at start-up, never at sign-in)."""

    code = "invalid_accounts"


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    password_hash: str

    @property
    def can_review(self) -> bool:
        return self.role is Role.MANAGER


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise ValueError("a password has at least 10 characters")
    return HASHER.hash(password)


def parse_accounts(text: str) -> dict[str, Account]:
    """Accounts from the TOML text; AccountsError naming the first bad entry."""
    try:
        table = tomllib.loads(text).get("accounts", {})
    except tomllib.TOMLDecodeError as error:
        raise AccountsError(f"accounts file is not TOML: {error}") from None
    if not isinstance(table, dict):
        raise AccountsError("`accounts` must be a table of accounts ([accounts.NAME])")
    accounts = {}
    for name, entry in table.items():
        if not isinstance(entry, dict) or not str(entry.get("password", "")).startswith("$argon2"):
            raise AccountsError(f"account {name!r}: password must be an Argon2 hash (intake review-account)")
        try:
            role = Role(entry.get("role", ""))
        except ValueError:
            raise AccountsError(f"account {name!r}: role must be manager or operator") from None
        accounts[name] = Account(name, role, entry["password"])
    if not accounts:
        raise AccountsError("no account in the accounts file")
    return accounts


def load_accounts(path: str | Path) -> dict[str, Account]:
    try:
        return parse_accounts(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise AccountsError(f"cannot read the accounts file ({type(error).__name__})") from None


def account_entry(name: str, role: Role, password: str) -> str:
    """The TOML lines of one account, for the accounts file."""
    return f'[accounts.{json.dumps(name)}]\nrole = "{role.value}"\npassword = "{hash_password(password)}"\n'


class Authenticator:
    """Checks passwords, with a lock-out after repeated failures of one account name."""

    def __init__(self, accounts: dict[str, Account], clock=time.monotonic) -> None:
        self.accounts, self._clock = accounts, clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def locked(self, name: str) -> bool:
        now = self._clock()
        with self._lock:
            recent = [t for t in self._failures.get(name, []) if now - t < LOCKOUT_SECONDS]
            self._failures[name] = recent
            return len(recent) >= MAX_FAILURES

    def check(self, name: str, password: str) -> Account | None:
        """The account when the password is right (and the account not locked), else None."""
        account = self.accounts.get(name)
        try:
            HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
            ok = account is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if ok and not self.locked(name):
            with self._lock:
                self._failures.pop(name, None)
            return account
        with self._lock:
            self._failures.setdefault(name, []).append(self._clock())
        return None
