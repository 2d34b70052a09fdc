"""Page pictures rendered before a manager asks for them: a background job of the desk renders (into the
page cache, review/page_view.py) the pages of the claims to review as they arrive (the newest), of the
claims at the head of the managers' queue (the oldest), and of every claim page opened, so that a claim's
images are ready when it is shown instead of being rendered (seconds for a scanned page: it is read again
as the pipeline read it) inside the request.

One thread, one page at a time (rendering a scanned page runs Tesseract: the desk's requests keep the
other core); a pass every `interval` seconds over the `head` newest then the `head` oldest claims to
review; a claim whose pages are all cached is remembered (up to REMEMBERED claims) and not read again.
Nothing here is logged but counts and claim numbers."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from functools import partial

from review.page_view import PageCache
from review.store import ReviewStore

log = logging.getLogger(__name__)
HEAD = 50  # claims at each end of the queue (newest, oldest) whose pages are kept ready
INTERVAL_SECONDS = 30.0  # a claim to review has its pictures within about this long of being written
REMEMBERED = 10_000  # claims known to be fully rendered (not read again by the passes)


class Prerenderer:
    """The desk's background renderer: `soon(claim_id)` puts a claim's pages first in line."""

    def __init__(
        self,
        store: ReviewStore,
        pages: PageCache,
        head: int = HEAD,
        interval: float = INTERVAL_SECONDS,
    ) -> None:
        self.store, self.pages, self.head, self.interval = store, pages, head, interval
        self._wanted: queue.Queue[str | None] = queue.Queue()
        self._stop = threading.Event()
        self.rendered = 0  # pages rendered by this job (tests and logs)
        self._ready: OrderedDict[str, None] = OrderedDict()  # claims whose pages are all cached
        self._thread = threading.Thread(target=self._run, name="page-prerender", daemon=True)

    def start(self) -> Prerenderer:
        self._thread.start()
        return self

    def soon(self, claim_id: str) -> None:
        """Render this claim's pages next (a claim page just opened)."""
        self._wanted.put(claim_id)

    def close(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wanted.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            for claim_id, state in self._ends():
                self._drain()
                if self._stop.is_set():
                    return
                if state not in self._ready and self._render(claim_id)[1]:
                    self._remember(state)
            next_pass = time.monotonic() + self.interval
            while not self._stop.is_set() and (left := next_pass - time.monotonic()) > 0:
                try:  # until the next pass, the claims opened meanwhile
                    opened = self._wanted.get(timeout=left)
                except queue.Empty:
                    break
                if opened is not None:
                    self.render_claim(opened)

    def _drain(self) -> None:
        """The claims opened meanwhile go before the rest of the queue's head."""
        while True:
            try:
                claim_id = self._wanted.get_nowait()
            except queue.Empty:
                return
            if claim_id is not None:
                self.render_claim(claim_id)

    def _ends(self) -> list[tuple[str, str]]:
        """The claims to review a pass renders: the newest (just written) first, then the oldest (the
        managers' queue starts there); each with its state (a reply's documents make a new one)."""
        if self.head <= 0:
            return []
        try:
            newest, oldest = (self.store.index.queue("to_review", sort=s, per_page=self.head).rows for s in ("-age", "age"))
        except Exception as error:  # the index down: the next pass tries again
            log.warning("page pre-rendering: the queue could not be read (%s)", type(error).__name__)
            return []
        states = {row.claim_id: f"{row.claim_id}:{row.documents}:{row.replied_at}" for row in [*newest, *oldest]}
        return list(states.items())

    def _remember(self, state: str) -> None:
        self._ready[state] = None
        while len(self._ready) > REMEMBERED:
            self._ready.popitem(last=False)

    def render_claim(self, claim_id: str) -> int:
        """Every page of the claim's documents in the cache; how many had to be rendered."""
        return self._render(claim_id)[0]

    def _render(self, claim_id: str) -> tuple[int, bool]:
        """(pages rendered, whether every page of the claim is now cached)."""
        try:
            documents = self.store.load(claim_id).machine.documents
        except Exception as error:  # a claim gone or unreadable: its page will say so when opened
            log.warning("page pre-rendering: claim %s not read (%s)", claim_id, type(error).__name__)
            return 0, False
        done, failed = 0, False
        for document in documents:
            loader = partial(self.store.original, claim_id, document.file)
            for info in document.pages:
                if self._stop.is_set():
                    return done, False
                try:
                    if not self.pages.cached(document.sha256, info.page):
                        self.pages.view(document.sha256, info.page, loader, document.file)
                        done += 1
                except Exception as error:  # an original that cannot be rendered: the page request says why
                    log.warning("page pre-rendering: a page of claim %s not rendered (%s)", claim_id, type(error).__name__)
                    failed = True
        self.rendered += done
        return done, not failed
