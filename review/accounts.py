"""Who may sign in to the review desk: accounts from a TOML file, passwords hashed with Argon2id.

    # reviewers.toml (INTAKE_REVIEW_ACCOUNTS) - make one entry with `intake review-account NAME --role manager`
    [accounts.mdupont]
    role = "manager"          # manager: reviews and decides; operator: reads only
    password = "$argon2id$v=19$m=65536,t=3,p=4$..."

The file is validated whole at load time: plain-text passwords, malformed Argon2 hashes (every part
parsed, `argon2.extract_parameters`), hashes with absurd costs (they would let the file stall the
desk), unknown roles and names that are not 1-64 letters, digits, '.', '-', '_' are refused, the bad
entry named (exit code 3). The desk re-reads the file when it changes (`AccountsFile`): a removed
account or a changed password ends that account's sessions; a file that no longer validates lets
nobody in until it is fixed (fail closed, logged).

A failed sign-in costs the same time whether the account exists or not. Repeated failures lock one
(account name, source) pair for a while - the source is the client's address, or the browser when it
is a known device of the account (review/sessions.py) - never the account itself: a stranger guessing
a manager's name from elsewhere locks only their own pair. The failure table is bounded
(review/throttle.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import re
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from models.errors import ConfigError
from review.throttle import SlidingWindow

log = logging.getLogger(__name__)
HASHER = PasswordHasher()
_DUMMY_HASH = HASHER.hash("not a password of anyone")
MAX_FAILURES = 5
LOCKOUT_SECONDS = 300.0
MAX_NAME = 64  # an account name; longer names are refused before anything is recorded
MAX_PASSWORD = 1024
MAX_TRACKED_NAMES = 10_000  # the failure table's size, in (name, source) pairs (oldest evicted)
MAX_SOURCE = 100  # characters of a source (an address, a device) kept in a key
ACCOUNT_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
_HASH = re.compile(r"\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)")
# Costs beyond these are a mistake or an attack on the desk (one sign-in would take seconds or GiBs).
MAX_MEMORY_KIB, MAX_TIME_COST, MAX_PARALLELISM = 1 << 20, 16, 64


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


def _b64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def hash_problem(password_hash: str) -> str | None:
    """Why `password_hash` is not a usable Argon2id hash (None when it is): every part is parsed."""
    match = _HASH.fullmatch(password_hash)
    if not match:
        return "password must be an Argon2id hash ($argon2id$v=19$m=..,t=..,p=..$salt$hash: intake review-account)"
    try:
        parameters = extract_parameters(password_hash)
        salt, digest = _b64(match.group(1)), _b64(match.group(2))
    except (InvalidHashError, binascii.Error, ValueError):
        return "password hash is malformed (intake review-account makes a new one)"
    if parameters.type is not Type.ID or len(salt) < 8 or len(digest) < 16:
        return "password hash is malformed (salt or hash too short)"
    if not (
        8 <= parameters.memory_cost <= MAX_MEMORY_KIB
        and 1 <= parameters.time_cost <= MAX_TIME_COST
        and 1 <= parameters.parallelism <= MAX_PARALLELISM
    ):
        return "password hash has unusable costs (m, t or p out of range)"
    return None


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
        if not ACCOUNT_NAME.fullmatch(name):
            raise AccountsError(f"account {name[:MAX_NAME]!r}: names are 1-{MAX_NAME} letters, digits, '.', '-', '_'")
        if not isinstance(entry, dict) or not str(entry.get("password", "")).startswith("$argon2"):
            raise AccountsError(f"account {name!r}: password must be an Argon2 hash (intake review-account)")
        problem = hash_problem(str(entry["password"]))
        if problem:
            raise AccountsError(f"account {name!r}: {problem}")
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


def fingerprint(account: Account) -> str:
    """What a session remembers of the account's password hash: a new password ends its sessions."""
    return hashlib.sha256(account.password_hash.encode("utf-8")).hexdigest()[:32]


class AccountsFile:
    """The accounts file, re-read when it changes (checked at most every `check_seconds`). A file that
    no longer validates gives no account at all (nobody signs in, every session ends) until it is fixed."""

    def __init__(self, path: str | Path, check_seconds: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.path, self.check_seconds, self._clock = Path(path), check_seconds, clock
        self._lock = threading.Lock()
        self._stamp = self._stat()
        self._accounts = load_accounts(self.path)  # AccountsError at start-up
        self._checked = clock()

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            info = self.path.stat()
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size, info.st_ino

    def current(self) -> dict[str, Account]:
        with self._lock:
            now = self._clock()
            if now - self._checked < self.check_seconds:
                return self._accounts
            self._checked = now
            stamp = self._stat()
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self._accounts = load_accounts(self.path)
                    log.info("review desk: accounts file re-read (%d account(s))", len(self._accounts))
                except AccountsError as error:
                    self._accounts = {}
                    log.error("review desk: the accounts file no longer validates, nobody can sign in: %s", error.message)
            return self._accounts


AccountsSource = dict[str, Account] | AccountsFile


def current_accounts(source: AccountsSource) -> dict[str, Account]:
    return source.current() if isinstance(source, AccountsFile) else source


class Authenticator:
    """Checks passwords, with a lock-out after repeated failures of one (account name, source) pair: the
    source is where the attempt comes from (a client address, or a known device), so failures from one
    place never lock the account for another. The failure table is bounded."""

    def __init__(
        self, accounts: AccountsSource, clock: Callable[[], float] = time.monotonic, max_names: int = MAX_TRACKED_NAMES
    ) -> None:
        self.source = accounts
        self.failures = SlidingWindow(MAX_FAILURES, LOCKOUT_SECONDS, max_names, clock)

    @property
    def accounts(self) -> dict[str, Account]:
        return current_accounts(self.source)

    def locked(self, name: str, source: str = "") -> bool:
        return len(name) <= MAX_NAME and self.failures.full(pair_key(name, source))

    def check(self, name: str, password: str, source: str = "") -> Account | None:
        """The account when the password is right (and the pair not locked), else None. A name over
        MAX_NAME characters or a password over MAX_PASSWORD is refused before anything is hashed or recorded;
        a locked pair's attempt is hashed all the same (it costs what any attempt costs)."""
        if not name or len(name) > MAX_NAME or len(password) > MAX_PASSWORD:
            return None
        account = self.accounts.get(name)
        try:
            HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
            ok = account is not None
        except (VerificationError, InvalidHashError):
            ok = False
        key = pair_key(name, source)
        if ok and not self.failures.full(key):
            self.failures.forget(key)
            return account
        self.failures.hit(key)
        return None


def pair_key(name: str, source: str) -> str:
    """The failure table's key of one account name tried from one source (names hold no NUL)."""
    return f"{name}\0{source[:MAX_SOURCE]}"
