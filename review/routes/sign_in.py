"""Signing in and out, one's sessions, the desk's language.

Under attack: password checks run in worker threads, at most `SignInLimits.concurrent_checks` at once
(the event loop never hashes). Sign-in attempts are limited per source - the client's address, or the
browser when it is a known device of the account named (review/sessions.py) - and repeated failures
lock one (name, source) pair (review/accounts.py); a per-name limit across all sources (429 with
Retry-After) slows guessing one name from many addresses but never holds back a known device, so nobody
can keep a manager out by guessing their name from elsewhere."""

from __future__ import annotations

import logging
import math
import secrets

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from review.accounts import MAX_NAME, Account, Authenticator
from review.sessions import COOKIE, DEVICE_COOKIE, DEVICE_SECONDS, IDLE_SECONDS, KnownDevices
from review.throttle import SlidingWindow
from review.web import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    DeskContext,
    checked_form,
    csrf_refused,
    local_path,
    oversize,
    render,
    when,
)
from review.wording import LANGUAGES

log = logging.getLogger("review.app")


def routes(context: DeskContext, auth: Authenticator) -> APIRouter:
    router = APIRouter()
    config, sessions = context.config, context.sessions
    limits = config.limits
    by_source = SlidingWindow(limits.per_address, limits.window, limits.max_tracked, config.clock)
    by_name = SlidingWindow(limits.per_name, limits.window, limits.max_tracked, config.clock)
    devices = KnownDevices(config.secret)
    checks = anyio.CapacityLimiter(limits.concurrent_checks)
    set_cookie = context.set_cookie

    @router.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/") -> Response:
        # One token per browser until sign-in: a second tab (or the browser's favicon request, which
        # is redirected here too) must not invalidate the form already shown.
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
        response = render(request, "login.html", next=local_path(next), login_csrf=token, failed=False)
        set_cookie(response, LOGIN_CSRF_COOKIE, token, 3600)
        return response

    def login_refused(request: Request, form: FormData | None, status_code: int, retry_after: float = 0.0) -> Response:
        fresh = secrets.token_urlsafe(24)
        seconds = max(1, math.ceil(retry_after)) if status_code == 429 else 0
        next_path = str(form.get("next", "/")) if form is not None else "/"
        response: Response = render(
            request,
            "login.html",
            status_code,
            next=local_path(next_path[:2000]),
            login_csrf=fresh,
            failed=status_code == 401,
            wait=seconds,
        )
        set_cookie(response, LOGIN_CSRF_COOKIE, fresh, 3600)
        if seconds:
            response.headers["Retry-After"] = str(seconds)
        return response

    def sign_in_source(request: Request, name: str) -> tuple[str, bool]:
        """Where an attempt on `name` comes from: (the known device's key, True) when the browser is a
        known device of that account, else (the client's address, False)."""
        account = context.accounts().get(name) if len(name) <= MAX_NAME else None
        device = devices.recognise(request.cookies.get(DEVICE_COOKIE), account)
        if device:
            return f"device:{device}", True
        return (request.client.host if request.client else "?"), False

    def name_wait(name: str, source: str, known: bool) -> float:
        """Seconds an attempt on `name` must wait for the per-name limit: never for a known device of the
        name; an attempt of a locked pair is not counted (it is refused whatever the password)."""
        if known or auth.locked(name, source):
            return 0.0
        return by_name.take(name)

    def signed_in(request: Request, form: FormData, account: Account, cookie: str) -> Response:
        response = RedirectResponse(local_path(str(form.get("next", "/"))), status_code=303)
        set_cookie(response, COOKIE, cookie, IDLE_SECONDS)
        remembered = devices.remember(request.cookies.get(DEVICE_COOKIE), account)  # sent back to the sign-in only
        response.set_cookie(
            DEVICE_COOKIE,
            remembered,
            max_age=DEVICE_SECONDS,
            httponly=True,
            samesite="strict",
            secure=config.secure_cookies,
            path="/login",
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
        return response

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        name, password = str(form.get("account", "")), str(form.get("password", ""))
        source, known = sign_in_source(request, name)
        wait = by_source.take(source)  # every attempt counts against its source, whatever the name
        if wait:
            return login_refused(request, form, 429, wait)
        token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if (
            oversize(form)
            or not name
            or not token
            or not secrets.compare_digest(token.encode("utf-8"), str(form.get("csrf", "")).encode("utf-8"))
        ):
            return login_refused(request, form, 401)  # nothing hashed, no name recorded
        wait = name_wait(name, source, known)
        if wait:
            return login_refused(request, form, 429, wait)
        if checks.statistics().tasks_waiting >= limits.max_waiting:
            return login_refused(request, form, 429, 1.0)
        # Argon2 in a worker thread, at most `concurrent_checks` at once: the event loop keeps serving.
        account = await anyio.to_thread.run_sync(auth.check, name, password, source, limiter=checks)
        if account is None:
            return login_refused(request, form, 401)
        _session, cookie = await run_in_threadpool(sessions.new, account)
        log.info("review desk: sign-in (%s%s)", account.role.value, ", known device" if known else "")
        return signed_in(request, form, account, cookie)

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        if await checked_form(request) is None:
            return csrf_refused(request)
        await run_in_threadpool(sessions.end, request.state.session)  # every copy of the cookie is dead now
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @router.get("/sessions", response_class=HTMLResponse)
    def my_sessions(request: Request) -> Response:
        mine = sessions.of(request.state.account.name, context.accounts())
        rows = [(when(s.started), when(s.seen), s.key == request.state.session.key) for s in mine]
        return render(request, "sessions.html", rows=rows)

    @router.post("/sessions/end-all")
    async def end_all(request: Request) -> Response:
        if await checked_form(request) is None:
            return csrf_refused(request)
        ended = await run_in_threadpool(sessions.end_all, request.state.account.name, context.accounts())
        log.info("review desk: signed out everywhere (%d session(s))", ended)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @router.get("/lang/{language}")
    def set_language(language: str, next: str = "/") -> Response:
        response = RedirectResponse(local_path(next), status_code=303)
        if language in LANGUAGES:
            response.set_cookie(LANG_COOKIE, language, max_age=365 * 86400, samesite="strict", secure=config.secure_cookies)
        return response

    return router
