"""What every route of the review desk shares: its configuration (`DeskConfig`, `SignInLimits`), the
parts built once per app (`DeskContext`: the desk, the page cache, the sessions, the background
renderer), page rendering with the desk's wording, the CSRF check of a POSTed form, and the small
helpers that keep redirects on the site and queue views known."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from infra.storage.base import Storage
from models.manifest import CLAIM_ID
from review.accounts import MAX_NAME, MAX_PASSWORD, Account, AccountsSource, current_accounts
from review.desk import MAX_TEXT, DecisionListener, Desk
from review.page_view import PageCache
from review.prerender import Prerenderer
from review.queue import VIEWS
from review.sessions import Session, SessionStore
from review.wording import labeller, translator, with_flag_labels
from validators.rules_file import Rules

LANG_COOKIE = "intake_lang"
LOGIN_CSRF_COOKIE = "intake_login_csrf"
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


@dataclass
class DeskContext:
    """The parts of one desk app, built once by `create_app` and handed to each group of routes."""

    config: DeskConfig
    desk: Desk
    pages: PageCache
    sessions: SessionStore
    prerenderer: Prerenderer | None

    def accounts(self) -> dict[str, Account]:
        return current_accounts(self.config.accounts)

    def set_cookie(self, response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(
            name, value, max_age=max_age, httponly=True, samesite="strict", secure=self.config.secure_cookies, path="/"
        )


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A page of the desk in the request's language, with what every template uses (the account, the
    CSRF token, the script nonce, where the page is)."""
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
        "moment": lambda at, seconds=False: local_moment(at, request.state.lang, seconds),
        "local_date": lambda value: local_date(value, request.state.lang),
        **values,
    }
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)


async def checked_form(request: Request) -> FormData | None:
    """The POSTed form, or None when it lacks the session's CSRF token."""
    form = await request.form()
    return form if request.state.session.csrf_ok(str(form.get("csrf", ""))[:200]) else None


def csrf_refused(request: Request) -> HTMLResponse:
    return render(request, "message.html", 403, text=translator(request.state.lang)("error_csrf"))


def message_page(request: Request, status_code: int, key: str) -> HTMLResponse:
    """A page saying one thing (a wording key), e.g. 404 not found."""
    return render(request, "message.html", status_code, text=translator(request.state.lang)(key))


def oversize(form: FormData) -> bool:
    """Whether a form field is longer than its limit."""
    return any(len(str(value)) > FIELD_LIMITS.get(name, MAX_TEXT) for name, value in form.multi_items())


def body_refused(request: Request) -> int:
    """0 when a POST declares its length (browsers always do) and it is at most MAX_BODY, else 411 or 413."""
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        return 411
    return 413 if int(length) > MAX_BODY else 0


def local_path(path: str | None) -> str:
    """Only a path of this site is a redirect target (no open redirect)."""
    return path if path and path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


def queue_view(view: str) -> str:
    """A view of the queue from a URL (the claims to review when it names none)."""
    return view if view in VIEWS else "to_review"


def acted_on(request: Request) -> str | None:
    """The claim an action's banner names (from the redirect's query), when it is a claim number."""
    claim = request.query_params.get("claim", "")
    return claim if CLAIM_ID.fullmatch(claim) else None


def local_date(value: str, language: str) -> str:
    """An ISO date as the desk's language writes it (31/12/2026 in French); any other value as it is."""
    if language == "fr" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    return value


def local_moment(at: datetime, language: str, seconds: bool = False) -> str:
    """A date and time as the desk's language writes it: 06/12/2026 09:18 in French, 2026-12-06 09:18 in English."""
    return at.strftime(("%d/%m/%Y %H:%M" if language == "fr" else "%Y-%m-%d %H:%M") + (":%S" if seconds else ""))


def when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
