"""The managers' queue: one page of a view (to review, asked, decided, all), filtered by flag, care
type, channel or words, sorted by age, amount or status - read from the index (review/queue.py,
infra/index), one page at a time."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from models import Severity
from review.queue import SORT_LABELS, VIEWS, build_queue, page_number, sort_key, waited
from review.web import DeskContext, acted_on, queue_view, render
from validators.flag_wording import default_severity


def routes(context: DeskContext) -> APIRouter:
    router = APIRouter()
    desk = context.desk

    @router.get("/", response_class=HTMLResponse)
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
        view, q, sort = queue_view(view), q[:200], sort_key(sort)
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
            acted_on=acted_on(request),
        )

    return router
