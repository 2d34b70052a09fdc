"""The review desk's web app (FastAPI + Jinja2, server-rendered, a little inline JavaScript).

Every route but the sign-in form needs a session (no page, image or file is served to anyone else:
the middleware `guard` turns them away before any route runs); sessions live in the storage
(review/sessions.py), so signing out ends every copy of the cookie. Every POST needs the session's
CSRF token (`checked_form`; the sign-in form has its own, bound to a cookie); operators read,
managers act. Claims are read and written through the storage interface (review/store.py,
review/desk.py); the queue, its counts and a claim's neighbours come from the index (review/queue.py,
infra/index), one page at a time; page images are rendered on demand and cached in the storage
(review/page_view.py).

Under attack: password checks run in worker threads, at most `SignInLimits.concurrent_checks` at once (2, 1 on a two-core machine)
(the event loop never hashes), a POST body is at most MAX_BODY bytes and every form field has a length
cap (FIELD_LIMITS; 400 with the form re-shown). Sign-in attempts are limited per source - the client's
address, or the browser when it is a known device of the account named (review/sessions.py) - and
repeated failures lock one (name, source) pair (review/accounts.py); a per-name limit across all sources
(429 with Retry-After) slows guessing one name from many addresses but never holds back a known device,
so nobody can keep a manager out by guessing their name from elsewhere.
"""

from __future__ import annotations

import logging
import math
import os
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from infra.storage.base import NotFound, Storage
from models import DocType, Document, Severity
from models.field_catalogue import MAIN_FIELDS
from models.manifest import CLAIM_ID, CareType
from models.review import ReviewEvent
from review.accounts import MAX_NAME, MAX_PASSWORD, Account, AccountsSource, Authenticator, current_accounts
from review.apply import document_key, keyed_flags
from review.desk import MAX_TEXT, BadRequest, DecisionListener, Desk, NotAllowed, Unchanged, blocking_flags
from review.field_values import InvalidValue
from review.page_view import PageCache, PageView
from review.prerender import Prerenderer
from review.queue import SORT_LABELS, VIEWS, build_queue, page_number, sort_key, waited
from review.replies import Reply, replies_of
from review.sessions import COOKIE, DEVICE_COOKIE, DEVICE_SECONDS, IDLE_SECONDS, KnownDevices, Session, SessionStore
from review.store import ClaimRecord, Conflict, UnknownClaim
from review.throttle import SlidingWindow
from review.wording import LANGUAGES, check_wording, labeller, translator, with_flag_labels
from validators.flag_wording import default_severity
from validators.rules_file import Rules

log = logging.getLogger(__name__)
LANG_COOKIE = "intake_lang"
LOGIN_CSRF_COOKIE = "intake_login_csrf"
LOW_CONFIDENCE = 0.6
PUBLIC = {"/login"}
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
MAX_BODY = 64 * 1024  # bytes of a POSTed form (the largest: a 2,000-character message and its subject)
# Characters per form field; a field not named here gets MAX_TEXT.
FIELD_LIMITS = {
    "account": MAX_NAME,
    "password": MAX_PASSWORD,
    "csrf": 100,
    "version": 100,
    "next": 2000,
    "field": MAX_NAME,
    "doc_type": MAX_NAME,
    "document": 300,
    "flag": 300,
    "subject": 300,
}


@dataclass(frozen=True)
class SignInLimits:
    """How much password guessing the desk puts up with."""

    per_address: int = 20  # attempts per source (client address, or known device) per window, whatever the name
    per_name: int = 10  # attempts per account name per window from all sources but its known devices
    window: float = 60.0
    # Argon2 checks running at once (in worker threads): 2, but always a core left for the event loop
    concurrent_checks: int = max(1, min(2, (os.cpu_count() or 2) - 1))
    max_waiting: int = 16  # sign-ins waiting for a check slot; beyond, 429 at once
    max_tracked: int = 10_000  # addresses / names remembered (oldest forgotten)


@dataclass
class DeskConfig:
    storage: Storage
    accounts: AccountsSource  # a dict, or an AccountsFile re-read when it changes
    secret: str
    rules: Rules
    secure_cookies: bool = False
    limits: SignInLimits = field(default_factory=SignInLimits)
    clock: Callable[[], float] = time.monotonic  # the sign-in limits' and lock-out's clock (tests move it)
    on_decision: DecisionListener | None = None  # told of each decision (`intake review`: Prefect, flows/decisions.py)
    prerender: bool = False  # page pictures rendered ahead by a background job (`intake review`: on; review/prerender.py)


# A desk action as the routes run it: (who, the posted form's value of a name) -> the claim recorded.
DeskAction = Callable[[Account, Callable[[str], str]], ClaimRecord]


def where_acted(action: str, document: str, documents: Sequence[Document]) -> str:
    """The fragment that brings the manager back where they acted: the document corrected, the flags,
    the message form ("" when the page's top is the place)."""
    if action in ("correct_field", "set_doc_type"):
        index = next((i for i, d in enumerate(documents) if document_key(d) == document), None)
        return f"#doc-{index}" if index is not None else ""
    return {"dismiss_flag": "#flags", "request_proofs": "#request"}.get(action, "")


def local_date(value: str, language: str) -> str:
    """An ISO date as the desk's language writes it (31/12/2026 in French); any other value as it is."""
    if language == "fr" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    return value


def audit_trail(record: ClaimRecord, replies: list[Reply]) -> list[tuple[str, ReviewEvent | Reply]]:
    """The claim's audit trail as its page shows it, newest first: the managers' actions and the
    claimant's replies (with the files each brought) in one timeline."""
    moments: list[tuple[datetime, int, str, ReviewEvent | Reply]] = [(e.at, e.seq, "event", e) for e in record.events]
    moments += [(r.at, 0, "reply", r) for r in replies]
    return [(kind, item) for _, _, kind, item in sorted(moments, key=lambda m: (m[0], m[1]), reverse=True)]


def oversize(form: FormData) -> bool:
    """Whether a form field is longer than its limit."""
    return any(len(str(value)) > FIELD_LIMITS.get(name, MAX_TEXT) for name, value in form.multi_items())


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _body_refused(request: Request) -> int:
    """0 when a POST declares its length (browsers always do) and it is at most MAX_BODY, else 411 or 413."""
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        return 411
    return 413 if int(length) > MAX_BODY else 0


def _local(path: str | None) -> str:
    """Only a path of this site is a redirect target (no open redirect)."""
    return path if path and path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


def _view(view: str) -> str:
    """A view of the queue from a URL (the claims to review when it names none)."""
    return view if view in VIEWS else "to_review"


def _acted_on(request: Request) -> str | None:
    """The claim an action's banner names (from the redirect's query), when it is a claim number."""
    claim = request.query_params.get("claim", "")
    return claim if CLAIM_ID.fullmatch(claim) else None


def attachment(data: bytes, name: str) -> Response:
    """A received file as a download, never rendered by the browser: a neutral type, `attachment`, nosniff, sandboxed."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "file"
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, no-store",
        },
    )


# What a consistency flag compares, from its details: (first, second) detail names.
COMPARED = {
    "declared_total_mismatch": ("declared", "read"),
    "declared_currency_mismatch": ("declared", "read"),
    "date_outside_stay": ("declared", "read"),
    "multiple_beneficiaries": ("declared", "read"),
    "amount_mismatch": ("paid", "invoices"),
    "structured_data_mismatch": ("read", "xml"),
}


def create_app(config: DeskConfig) -> FastAPI:
    check_wording()  # a code without its label in both languages stops the start
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, title="Review desk")
    sessions = SessionStore(config.storage, config.secret)
    limits = config.limits
    auth = Authenticator(config.accounts, config.clock, max_names=limits.max_tracked)
    by_source = SlidingWindow(limits.per_address, limits.window, limits.max_tracked, config.clock)
    by_name = SlidingWindow(limits.per_name, limits.window, limits.max_tracked, config.clock)
    devices = KnownDevices(config.secret)
    checks = anyio.CapacityLimiter(limits.concurrent_checks)
    desk = Desk(config.storage, config.rules, on_decision=config.on_decision)
    pages = PageCache(config.storage)
    prerenderer = Prerenderer(desk.store, pages).start() if config.prerender else None
    app.state.prerenderer = prerenderer
    app.state.sessions, app.state.auth = sessions, auth

    def accounts() -> dict[str, Account]:
        return current_accounts(config.accounts)

    def set_cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(
            name, value, max_age=max_age, httponly=True, samesite="strict", secure=config.secure_cookies, path="/"
        )

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.lang = request.cookies.get(LANG_COOKIE) if request.cookies.get(LANG_COOKIE) in LANGUAGES else "fr"
        request.state.nonce = secrets.token_urlsafe(12)
        cookie = request.cookies.get(COOKIE)
        current = accounts()
        session = await run_in_threadpool(sessions.load, cookie, current) if cookie else None  # storage I/O off the loop
        account = current.get(session.user) if session else None
        request.state.session, request.state.account = (session, account) if account else (None, None)
        response: Response
        if request.url.path not in PUBLIC and account is None:
            if request.method == "GET":
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                response = RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
            else:
                response = JSONResponse({"error": "not_signed_in"}, status_code=401)
        elif request.method == "POST" and _body_refused(request):
            response = JSONResponse({"error": "form_too_large"}, status_code=_body_refused(request))
        else:
            response = await call_next(request)
        if cookie and account is not None and request.url.path not in ("/logout", "/sessions/end-all", "/login"):
            set_cookie(response, COOKIE, cookie, IDLE_SECONDS)  # the browser's copy follows the server's idle expiry
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault(
            "Content-Security-Policy",
            (
                f"default-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'nonce-{request.state.nonce}'; "
                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
            ),
        )
        return response

    def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        session: Session | None = request.state.session
        account: Account | None = request.state.account
        context = {
            "t": translator(request.state.lang),
            "label": labeller(request.state.lang),
            "lang": request.state.lang,
            "flag_labels": lambda text: with_flag_labels(text, request.state.lang),
            "account": account,
            "csrf": session.csrf if session else "",
            "nonce": request.state.nonce,
            "path": request.url.path,
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            **values,
        }
        return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)

    # -- signing in ------------------------------------------------------------------------------
    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/") -> Response:
        # One token per browser until sign-in: a second tab (or the browser's favicon request, which
        # is redirected here too) must not invalidate the form already shown.
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
        response = render(request, "login.html", next=_local(next), login_csrf=token, failed=False)
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
            next=_local(next_path[:2000]),
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
        account = accounts().get(name) if len(name) <= MAX_NAME else None
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
        response = RedirectResponse(_local(str(form.get("next", "/"))), status_code=303)
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

    @app.post("/login")
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

    async def checked_form(request: Request) -> FormData | None:
        """The POSTed form, or None when it lacks the session's CSRF token."""
        form = await request.form()
        return form if request.state.session.csrf_ok(str(form.get("csrf", ""))[:200]) else None

    def csrf_refused(request: Request) -> HTMLResponse:
        return render(request, "message.html", 403, text=translator(request.state.lang)("error_csrf"))

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        if await checked_form(request) is None:
            return csrf_refused(request)
        await run_in_threadpool(sessions.end, request.state.session)  # every copy of the cookie is dead now
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/sessions", response_class=HTMLResponse)
    def my_sessions(request: Request) -> Response:
        mine = sessions.of(request.state.account.name, accounts())
        rows = [(_when(s.started), _when(s.seen), s.key == request.state.session.key) for s in mine]
        return render(request, "sessions.html", rows=rows)

    @app.post("/sessions/end-all")
    async def end_all(request: Request) -> Response:
        if await checked_form(request) is None:
            return csrf_refused(request)
        ended = await run_in_threadpool(sessions.end_all, request.state.account.name, accounts())
        log.info("review desk: signed out everywhere (%d session(s))", ended)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/lang/{language}")
    def set_language(language: str, next: str = "/") -> Response:
        response = RedirectResponse(_local(next), status_code=303)
        if language in LANGUAGES:
            response.set_cookie(LANG_COOKIE, language, max_age=365 * 86400, samesite="strict", secure=config.secure_cookies)
        return response

    # -- the queue ------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def queue_page(
        request: Request,
        view: str = "to_review",
        flag: str = "",
        care: str = "",
        channel: str = "",
        q: str = "",
        sort: str = "age",
        page: str = "1",
    ) -> Response:
        view, q, sort = _view(view), q[:200], sort_key(sort)
        flag, care, channel = flag[:200], care[:200], channel[:200]
        queue = build_queue(desk.store.index, view, flag, care, channel, q, sort, page_number(page))
        chosen = {"view": view, "flag": flag, "care": care, "channel": channel, "q": q, "sort": sort if sort != "age" else ""}
        return render(
            request,
            "queue.html",
            queue=queue,
            view=view,
            views=VIEWS,
            flag=flag,
            care=care,
            channel=channel,
            q=q,
            sort=sort,
            sorts=SORT_LABELS,
            filters=urlencode({k: v for k, v in chosen.items() if v}),
            filters_without_sort=urlencode({k: v for k, v in chosen.items() if v and k != "sort"}),
            age=lambda created: waited(created, datetime.now(UTC), request.state.lang),
            severity=lambda code: (default_severity(code) or Severity.INFO).value,
            done=request.query_params.get("done"),
            acted_on=_acted_on(request),
        )

    # -- a claim --------------------------------------------------------------------------------
    def claim_page(
        request: Request,
        claim_id: str,
        status_code: int = 200,
        error: str | None = None,
        done: str | None = None,
        typed: tuple[str, str, str] | None = None,
    ) -> Response:
        """The claim page; `error` a wording key (its message may name `typed`'s value: (document, field, value as typed),
        which the field's input shows again)."""
        record = desk.read(claim_id)  # the index row repaired when a crash left it behind
        claim = record.current
        view = _view(request.query_params.get("view", "to_review"))
        previous, following = desk.neighbours(claim_id, view)
        subject, text = desk.draft_request(record, both=request.query_params.get("both") == "1")
        flags = keyed_flags(claim)
        documents = [(i, document_key(d), d) for i, d in enumerate(claim.documents)]
        return render(
            request,
            "claim.html",
            status_code,
            record=record,
            claim=claim,
            documents=documents,
            flags=flags,
            main_fields=MAIN_FIELDS,
            doc_types=[t.value for t in DocType],
            care_types=[c.value for c in CareType],
            low=LOW_CONFIDENCE,
            previous=previous,
            following=following,
            in_view="" if view == "to_review" else "?" + urlencode({"view": view}),
            draft_subject=subject,
            draft_text=text,
            error=error,
            done=done or request.query_params.get("done"),
            acted_on=_acted_on(request) or claim_id,
            quote=quote,
            typed=typed,
            quarantine=desk.store.claims.quarantined(claim_id),
            compared=COMPARED,
            blocking=blocking_flags(record),
            trail=audit_trail(record, replies_of(desk.storage, record.machine)),
            local_date=lambda value: local_date(value, request.state.lang),
        )

    @app.get("/claims/{claim_id}", response_class=HTMLResponse)
    def show_claim(request: Request, claim_id: str) -> Response:
        response = claim_page(request, claim_id)
        if prerenderer is not None and response.status_code == 200:
            prerenderer.soon(claim_id)  # its pictures rendered now, if the job has not yet
        return response

    def page_of(claim_id: str, index: int, page: int) -> PageView:
        # The intake's documents: the same files, pages and order as the reviewed claim's, without
        # applying the audit trail (and re-running the checks) for every image a page shows.
        documents = desk.load(claim_id).machine.documents
        if not 0 <= index < len(documents):
            raise UnknownClaim(claim_id)
        document = documents[index]
        if page not in {p.page for p in document.pages}:
            raise UnknownClaim(claim_id)
        return pages.view(document.sha256, page, lambda: desk.store.original(claim_id, document.file), document.file)

    @app.get("/claims/{claim_id}/documents/{index}/pages/{page}.jpg")
    def page_image(claim_id: str, index: int, page: int) -> Response:
        view = page_of(claim_id, index, page)
        return Response(view.jpeg, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/claims/{claim_id}/documents/{index}/pages/{page}.json")
    def page_words(claim_id: str, index: int, page: int) -> Response:
        view = page_of(claim_id, index, page)
        words = [
            {"text": w.text, "confidence": round(w.confidence, 2), "box": [w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1]}
            for w in view.words
        ]
        return JSONResponse(
            {"width": view.width, "height": view.height, "words": words}, headers={"Cache-Control": "private, max-age=3600"}
        )

    # -- received files -------------------------------------------------------------------------
    @app.get("/claims/{claim_id}/originals/{name}")
    def original_file(claim_id: str, name: str) -> Response:
        claim = desk.load(claim_id).machine
        if name not in {d.file for d in claim.documents}:
            raise UnknownClaim(claim_id)
        return attachment(desk.store.original(claim_id, name), name)

    @app.get("/claims/{claim_id}/quarantine/{name}")
    def quarantined_file(claim_id: str, name: str) -> Response:
        desk.load(claim_id)  # UnknownClaim for what is not a claim
        file, data = desk.store.claims.quarantined_download(claim_id, name)
        return attachment(data, file)

    # -- actions --------------------------------------------------------------------------------
    async def act(request: Request, claim_id: str, action: str, do: DeskAction) -> Response:
        form = await checked_form(request)
        if form is None:
            return csrf_refused(request)
        # storage I/O and the checks re-run: in a worker thread, not on the event loop
        return await run_in_threadpool(acted, request, claim_id, action, do, form)

    def acted(request: Request, claim_id: str, action: str, do: DeskAction, form: FormData) -> Response:
        if oversize(form):
            return claim_page(request, claim_id, 400, error="error_too_long")
        value = lambda name: str(form.get(name, ""))  # noqa: E731
        try:
            record = do(request.state.account, value)
        except Conflict:
            return claim_page(request, claim_id, 409, error="conflict")
        except NotAllowed:
            return claim_page(request, claim_id, 403, error="forbidden")
        except InvalidValue as error:  # the value typed stays in its input, the message says what is wrong with it
            return claim_page(
                request,
                claim_id,
                400,
                error=f"error_{error.code}",
                typed=(value("document"), error.field or value("field"), error.value if error.field else value("value")),
            )
        except Unchanged:
            return RedirectResponse(f"/claims/{claim_id}?" + urlencode({"done": "unchanged", "claim": claim_id}), status_code=303)
        except BadRequest as error:
            return claim_page(request, claim_id, 400, error=f"error_{error}")
        if action in ("approve", "reject"):
            _, following = desk.neighbours(claim_id)  # the claim is no longer to review: the queue's first
            done = urlencode({"done": action, "claim": claim_id})  # the banner names the claim acted on, not the one shown next
            return RedirectResponse(f"/claims/{following}?{done}" if following else f"/?{done}", status_code=303)
        place = where_acted(action, value("document"), record.current.documents)  # the record just written, not read again
        return RedirectResponse(f"/claims/{claim_id}?" + urlencode({"done": action, "claim": claim_id}) + place, status_code=303)

    def action_route(
        action: str, method: Callable[..., ClaimRecord], names: tuple[str, ...]
    ) -> Callable[[Request, str], Awaitable[Response]]:
        """The POST handler of one desk action: `method(who, claim_id, version, *form values of names)`."""

        async def route(request: Request, claim_id: str) -> Response:
            return await act(request, claim_id, action, lambda who, v: method(who, claim_id, v("version"), *map(v, names)))

        route.__name__ = action
        return route

    actions: dict[str, tuple[str, Callable[..., ClaimRecord], tuple[str, ...]]] = {
        "field": ("correct_field", desk.correct_field, ("document", "field", "value")),
        "doctype": ("set_doc_type", desk.set_doc_type, ("document", "doc_type")),
        "dismiss": ("dismiss_flag", desk.dismiss_flag, ("flag", "reason")),
        "request": ("request_proofs", desk.request_proofs, ("subject", "text")),
        "approve": ("approve", desk.approve, ("note", "confirm")),
        "reject": ("reject", desk.reject, ("reason",)),
    }
    for path, (action, method, names) in actions.items():
        app.post(f"/claims/{{claim_id}}/{path}")(action_route(action, method, names))

    @app.post("/claims/{claim_id}/fields")
    async def correct_fields(request: Request, claim_id: str) -> Response:
        """A document's one form: its fields as `value:<field>`, every change recorded, one Save."""
        form = await request.form()  # Starlette keeps it: `act` checks the same form's token
        values = {name.removeprefix("value:"): str(v) for name, v in form.multi_items() if name.startswith("value:")}
        return await act(
            request,
            claim_id,
            "correct_field",
            lambda who, v: desk.correct_fields(who, claim_id, v("version"), v("document"), values),
        )

    @app.exception_handler(UnknownClaim)
    async def unknown(request: Request, exc: UnknownClaim) -> Response:
        return render(request, "message.html", 404, text=translator(request.state.lang)("not_found"))

    @app.exception_handler(NotFound)
    async def missing(request: Request, exc: NotFound) -> Response:
        return render(request, "message.html", 404, text=translator(request.state.lang)("not_found"))

    return app
