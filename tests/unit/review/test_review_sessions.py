"""review.sessions: signed session cookies (idle and absolute expiry) and CSRF tokens.

(Named test_review_sessions.py: tests/unit/extractors/test_sessions.py already holds the basename and
these test folders are not packages.)"""

from __future__ import annotations

import types

import itsdangerous.timed
import pytest

from review.sessions import IDLE_SECONDS, MAX_SECONDS, Session, SessionSigner

SECRET = "s" * 40
T0 = 1_800_000_000.0


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """One fake time for the signer's clock and for itsdangerous' timestamps (TimestampSigner.get_timestamp
    calls `time.time()` of the `itsdangerous.timed` module, both when signing and when checking max_age)."""
    fake = Clock()
    monkeypatch.setattr(itsdangerous.timed, "time", types.SimpleNamespace(time=fake))
    return fake


@pytest.fixture
def signer(clock) -> SessionSigner:
    return SessionSigner(SECRET, clock=clock)


def test_dump_load_round_trip(signer):
    session = signer.new("mdupont", "manager")
    assert session.started == T0
    assert len(session.csrf) >= 24
    assert signer.load(signer.dump(session)) == session


def test_each_session_has_its_own_csrf_token(signer):
    assert signer.new("a", "manager").csrf != signer.new("a", "manager").csrf


def test_cookie_holds_nothing_secret_but_is_signed(signer):
    session = signer.new("mdupont", "manager")
    cookie = signer.dump(session)
    assert SECRET not in cookie


@pytest.mark.parametrize("cookie", [None, "", "garbage", "a.b.c"])
def test_absent_or_garbage_cookie_is_no_session(signer, cookie):
    assert signer.load(cookie) is None


def test_tampered_cookie_is_refused(signer):
    cookie = signer.dump(signer.new("mdupont", "operator"))
    _, _, rest = cookie.partition(".")
    forged = itsdangerous.URLSafeSerializer("x").dumps({"u": "mdupont", "r": "manager"}).split(".")[0]
    assert signer.load(forged + "." + rest) is None  # role raised to manager, signature kept
    body, _, signature = cookie.rpartition(".")
    # the signature's FIRST character: all six of its bits count (the last one's low bits may be padding)
    flipped = f"{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert signer.load(flipped) is None  # signature changed


def test_cookie_signed_with_another_secret_is_refused(clock):
    theirs = SessionSigner("t" * 40, clock=clock)
    cookie = theirs.dump(theirs.new("mdupont", "manager"))
    assert SessionSigner(SECRET, clock=clock).load(cookie) is None
    assert theirs.load(cookie) is not None


def test_idle_session_expires(signer, clock):
    cookie = signer.dump(signer.new("mdupont", "manager"))
    clock.now = T0 + IDLE_SECONDS - 5
    assert signer.load(cookie) is not None
    clock.now = T0 + IDLE_SECONDS + 5
    assert signer.load(cookie) is None


def test_renewed_cookie_keeps_an_active_session_alive(signer, clock):
    session = signer.new("mdupont", "manager")
    cookie = signer.dump(session)
    for _ in range(5):  # a request every 20 minutes renews the cookie: 100 minutes in, still signed in
        clock.now += IDLE_SECONDS * 2 / 3
        loaded = signer.load(cookie)
        assert loaded == session
        cookie = signer.dump(loaded)


def test_session_ends_at_max_age_even_when_active(signer, clock):
    session = signer.new("mdupont", "manager")
    clock.now = T0 + MAX_SECONDS - 60
    fresh = signer.dump(session)  # renewed a minute ago
    assert signer.load(fresh) == session
    clock.now = T0 + MAX_SECONDS + 1
    fresh = signer.dump(session)  # renewed just now: idle is fine, but the session is too old
    assert signer.load(fresh) is None


def test_max_age_with_an_injected_clock_only():
    """The absolute limit uses the signer's own clock (the idle check uses real time)."""
    times = iter([T0, T0 + MAX_SECONDS + 1])
    signer = SessionSigner(SECRET, clock=lambda: next(times))
    session = Session("mdupont", "manager", "tok", T0)
    cookie = signer.dump(session)
    assert signer.load(cookie) == session
    assert signer.load(cookie) is None


def test_a_cookie_from_the_future_is_refused(signer, clock):
    clock.now = T0 + 3600
    cookie = signer.dump(signer.new("mdupont", "manager"))
    clock.now = T0
    assert signer.load(cookie) is None


def test_configurable_limits(clock):
    signer = SessionSigner(SECRET, idle_seconds=10, max_seconds=100, clock=clock)
    cookie = signer.dump(signer.new("a", "manager"))
    clock.now = T0 + 11
    assert signer.load(cookie) is None


# -- CSRF -----------------------------------------------------------------------------------------
def test_csrf_ok_only_for_the_sessions_token():
    session = Session("mdupont", "manager", "abc123-token", T0)
    assert session.csrf_ok("abc123-token")
    assert not session.csrf_ok("abc123-tokeN")
    assert not session.csrf_ok("abc123-token ")
    assert not session.csrf_ok("")
    assert not session.csrf_ok(None)


def test_empty_session_token_never_matches():
    assert not Session("mdupont", "manager", "", T0).csrf_ok("")


def test_csrf_ok_refuses_a_non_ascii_token_without_crashing():
    assert not Session("mdupont", "manager", "abc123-token", T0).csrf_ok("é")
