"""The managers' actions on a claim - correct a document's fields or its type, dismiss a flag, ask the
claimant for proofs, approve, reject - each a POST with the session's CSRF token, done by review/desk.py
in a worker thread (storage I/O and the checks re-run off the event loop), then a redirect back where
the manager acted (or to the next claim after a decision); what cannot be done shows the claim page
again with the reason, the value typed kept in its input."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from review.accounts import Account
from review.desk import BadRequest, NotAllowed, Unchanged
from review.field_values import InvalidValue
from review.routes.claim import claim_page, where_acted
from review.store import ClaimRecord, Conflict
from review.web import DeskContext, checked_form, csrf_refused, oversize

# A desk action as the routes run it: (who, the posted form's value of a name) -> the claim recorded.
DeskAction = Callable[[Account, Callable[[str], str]], ClaimRecord]


def routes(context: DeskContext) -> APIRouter:
    router = APIRouter()
    desk = context.desk

    async def act(request: Request, claim_id: str, action: str, do: DeskAction) -> Response:
        form = await checked_form(request)
        if form is None:
            return csrf_refused(request)
        # storage I/O and the checks re-run: in a worker thread, not on the event loop
        return await run_in_threadpool(acted, request, claim_id, action, do, form)

    def acted(request: Request, claim_id: str, action: str, do: DeskAction, form: FormData) -> Response:
        if oversize(form):
            return claim_page(desk, request, claim_id, 400, error="error_too_long")
        value = lambda name: str(form.get(name, ""))  # noqa: E731
        try:
            record = do(request.state.account, value)
        except Conflict:
            return claim_page(desk, request, claim_id, 409, error="conflict")
        except NotAllowed:
            return claim_page(desk, request, claim_id, 403, error="forbidden")
        except InvalidValue as error:  # the value typed stays in its input, the message says what is wrong with it
            return claim_page(
                desk,
                request,
                claim_id,
                400,
                error=f"error_{error.code}",
                typed=(value("document"), error.field or value("field"), error.value if error.field else value("value")),
            )
        except Unchanged:
            return RedirectResponse(f"/claims/{claim_id}?" + urlencode({"done": "unchanged", "claim": claim_id}), status_code=303)
        except BadRequest as error:
            return claim_page(desk, request, claim_id, 400, error=f"error_{error}")
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
        router.post(f"/claims/{{claim_id}}/{path}")(action_route(action, method, names))

    @router.post("/claims/{claim_id}/fields")
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

    return router
