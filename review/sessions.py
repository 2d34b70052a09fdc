"""Server-side sessions for the review desk, kept in the storage so every desk process shares them:

    state/review-sessions/<sha256 of the session id>.json    account, role, CSRF token, password fingerprint,
                                                             started (written once, never rewritten)
    state/review-sessions/<sha256 of the session id>.seen    when it was last used

The cookie holds only the random session id, signed (itsdangerous, HMAC over the server's secret: a
forged cookie is refused without touching the storage). The storage key is the id's hash, so the
storage's listing gives nobody a usable cookie. A session is dead - and its record deleted - when it
is signed out (`end`), when its account signs out everywhere (`end_all`), when it has been idle
IDLE_SECONDS or lived MAX_SECONDS, when its account is no longer in the accounts file, or when the
account's password hash changed. "Last seen" is written at most every TOUCH_SECONDS (not on every
page image), so idle expiry is exact to within that; it is an object of its own, so a request renewing
it in one process while another process signs the session out cannot bring the session back (without
its record a session is dead, whatever its `.seen` says).

Every form carries the session's CSRF token and every POST is refused without it; the cookie is
HttpOnly and SameSite=Strict.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from itsdangerous import BadSignature, Signer

from infra.storage.base import NotFound, Storage
from review.accounts import Account, fingerprint

COOKIE = "intake_review"
IDLE_SECONDS = 30 * 60
MAX_SECONDS = 10 * 3600
TOUCH_SECONDS = 60
PREFIX = "state/review-sessions/"


@dataclass(frozen=True)
class Session:
    key: str  # the id's hash (the storage key's name); the id itself is only in the cookie
    user: str
    role: str
    csrf: str
    password: str  # fingerprint of the account's password hash when the session began
    started: float
    seen: float

    def csrf_ok(self, token: str | None) -> bool:
        return token is not None and token != "" and hmac.compare_digest(self.csrf.encode("utf-8"), token.encode("utf-8"))


def _key_of(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class SessionStore:
    """Sessions in a storage (shared by every desk process over it)."""

    def __init__(self, storage: Storage, secret: str, idle_seconds: int = IDLE_SECONDS, max_seconds: int = MAX_SECONDS,
                 clock: Callable[[], float] = time.time, touch_seconds: float = TOUCH_SECONDS) -> None:
        self.storage = storage
        self._signer = Signer(secret, salt="intake-review-session-id")
        self.idle_seconds, self.max_seconds, self.touch_seconds, self._clock = idle_seconds, max_seconds, touch_seconds, clock

    # -- records ---------------------------------------------------------------------------------
    def _put(self, session: Session) -> None:
        data = json.dumps(asdict(session), separators=(",", ":")).encode("utf-8")
        self.storage.put_bytes(PREFIX + session.key + ".json", data, "application/json", if_absent=True)

    def _touch(self, key: str, now: float) -> None:
        self.storage.put_bytes(PREFIX + key + ".seen", repr(now).encode("ascii"), "text/plain")

    def _get(self, key: str) -> Session | None:
        try:
            data = json.loads(self.storage.get_bytes(PREFIX + key + ".json"))
            session = Session(**data)
        except (NotFound, ValueError, TypeError):
            return None
        try:
            seen = float(self.storage.get_bytes(PREFIX + key + ".seen"))
        except (NotFound, ValueError):
            return session
        return Session(**{**asdict(session), "seen": max(seen, session.seen)})

    def _delete(self, key: str) -> None:
        self.storage.delete(PREFIX + key + ".json")
        self.storage.delete(PREFIX + key + ".seen")

    def _alive(self, session: Session, accounts: dict[str, Account], now: float) -> bool:
        account = accounts.get(session.user)
        return (account is not None and hmac.compare_digest(fingerprint(account), session.password)
                and account.role.value == session.role and now - session.seen <= self.idle_seconds
                and now - session.started <= self.max_seconds and session.seen <= now + 60)

    # -- the desk's uses -------------------------------------------------------------------------
    def new(self, account: Account) -> tuple[Session, str]:
        """A new session for `account` and the cookie value that names it."""
        session_id = secrets.token_urlsafe(32)
        now = self._clock()
        session = Session(_key_of(session_id), account.name, account.role.value, secrets.token_urlsafe(24), fingerprint(account), now, now)
        self._put(session)
        return session, self._signer.sign(session_id).decode("ascii")

    def load(self, cookie: str | None, accounts: dict[str, Account]) -> Session | None:
        """The live session the cookie names, or None (absent, forged, ended, expired, account gone or
        password changed: a dead session's record is deleted). Renews "last seen"."""
        if not cookie or len(cookie) > 200:
            return None
        try:
            session_id = self._signer.unsign(cookie).decode("ascii")
        except (BadSignature, UnicodeError):
            return None
        key = _key_of(session_id)
        session = self._get(key)
        if session is None:
            return None
        now = self._clock()
        if not self._alive(session, accounts, now):
            self._delete(key)
            return None
        if now - session.seen >= self.touch_seconds:
            self._touch(key, now)
            session = Session(**{**asdict(session), "seen": now})
        return session

    def end(self, session: Session) -> None:
        """Sign out: this session ends for every copy of its cookie."""
        self._delete(session.key)

    def sessions(self, accounts: dict[str, Account]) -> list[Session]:
        """Every live session (dead ones met on the way are deleted)."""
        now, found = self._clock(), []
        listed = [info.key[len(PREFIX):] for info in self.storage.list(PREFIX)]
        records = {name.removesuffix(".json") for name in listed if name.endswith(".json")}
        for name in listed:
            if name.endswith(".seen") and name.removesuffix(".seen") not in records:
                self.storage.delete(PREFIX + name)  # a renewal that raced a sign-out
        for key in sorted(records):
            session = self._get(key)
            if session is None:
                continue
            if self._alive(session, accounts, now):
                found.append(session)
            else:
                self._delete(key)
        return found

    def of(self, user: str, accounts: dict[str, Account]) -> list[Session]:
        """The account's live sessions, oldest first."""
        return sorted((s for s in self.sessions(accounts) if s.user == user), key=lambda s: s.started)

    def end_all(self, user: str, accounts: dict[str, Account]) -> int:
        """Sign out everywhere: every session of `user` ends. How many there were."""
        mine = [s for s in self.sessions(accounts) if s.user == user]
        for session in mine:
            self._delete(session.key)
        return len(mine)
