"""The review desk's web app (FastAPI + Jinja2, server-rendered, a little inline JavaScript): built here
from its parts, its routes grouped by concern in review/routes/ (signing in, the queue, a claim, the
managers' actions), what they share in review/web.py.

Every route but the sign-in form needs a session (no page, image or file is served to anyone else:
the middleware `guard` turns them away before any route runs); sessions live in the storage
(review/sessions.py), so signing out ends every copy of the cookie. Every POST needs the session's
CSRF token (`review.web.checked_form`; the sign-in form has its own, bound to a cookie); operators read,
managers act. Claims are read and written through the storage interface (review/store.py,
review/desk.py); the queue, its counts and a claim's neighbours come from the index (review/queue.py,
infra/index), one page at a time; page images are rendered ahead by a background job or on demand,
and cached in the storage (review/prerender.py, review/page_view.py).

Under attack: a POST body is at most MAX_BODY bytes and every form field has a length cap
(FIELD_LIMITS; 400 with the form re-shown); the limits on sign-in attempts are in review/routes/sign_in.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from infra.storage.base import NotFound
from review.accounts import Authenticator
from review.desk import Desk
from review.page_view import PageCache
from review.prerender import Prerenderer
from review.routes import actions, claim, queue, sign_in
from review.sessions import COOKIE, IDLE_SECONDS, SessionStore
from review.store import UnknownClaim
from review.web import (
    FIELD_LIMITS,
    LANG_COOKIE,
    MAX_BODY,
    DeskConfig,
    DeskContext,
    SignInLimits,
    body_refused,
    message_page,
)
from review.wording import LANGUAGES, check_wording

__all__ = ["FIELD_LIMITS", "MAX_BODY", "DeskConfig", "SignInLimits", "create_app"]

PUBLIC = {"/login"}
CONTENT_SECURITY = (
    "default-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'nonce-{nonce}'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def create_app(config: DeskConfig) -> FastAPI:
    check_wording()  # a code without its label in both languages stops the start
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, title="Review desk")
    desk = Desk(config.storage, config.rules, on_decision=config.on_decision)
    pages = PageCache(config.storage)
    prerenderer = Prerenderer(desk.store, pages).start() if config.prerender else None
    context = DeskContext(config, desk, pages, SessionStore(config.storage, config.secret), prerenderer)
    auth = Authenticator(config.accounts, config.clock, max_names=config.limits.max_tracked)
    app.state.prerenderer = prerenderer
    app.state.sessions, app.state.auth = context.sessions, auth

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.lang = request.cookies.get(LANG_COOKIE) if request.cookies.get(LANG_COOKIE) in LANGUAGES else "fr"
        request.state.nonce = secrets.token_urlsafe(12)
        cookie = request.cookies.get(COOKIE)
        current = context.accounts()
        session = await run_in_threadpool(context.sessions.load, cookie, current) if cookie else None  # storage I/O off the loop
        account = current.get(session.user) if session else None
        request.state.session, request.state.account = (session, account) if account else (None, None)
        response: Response
        if request.url.path not in PUBLIC and account is None:
            if request.method == "GET":
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                response = RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
            else:
                response = JSONResponse({"error": "not_signed_in"}, status_code=401)
        elif request.method == "POST" and body_refused(request):
            response = JSONResponse({"error": "form_too_large"}, status_code=body_refused(request))
        else:
            response = await call_next(request)
        if cookie and account is not None and request.url.path not in ("/logout", "/sessions/end-all", "/login"):
            context.set_cookie(response, COOKIE, cookie, IDLE_SECONDS)  # the browser's copy follows the server's idle expiry
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY.format(nonce=request.state.nonce))
        return response

    app.include_router(sign_in.routes(context, auth))
    app.include_router(queue.routes(context))
    app.include_router(claim.routes(context))
    app.include_router(actions.routes(context))

    @app.exception_handler(UnknownClaim)
    async def unknown(request: Request, exc: UnknownClaim) -> Response:
        return message_page(request, 404, "not_found")

    @app.exception_handler(NotFound)
    async def missing(request: Request, exc: NotFound) -> Response:
        return message_page(request, 404, "not_found")

    return app
