"""Page pictures rendered before a manager asks for them: a background job of the desk renders (into the
page cache, review/page_view.py) the pages of the claims at the head of the managers' queue, oldest first,
and of every claim page opened, so that a claim's images are ready when it is shown instead of being
rendered (seconds for a scanned page: it is read again as the pipeline read it) inside the request.

One thread, one page at a time (rendering a scanned page runs Tesseract: the desk's requests keep the
other core); a pass every `interval` seconds over the first `head` claims to review; a page already
cached costs one storage read. Nothing here is logged but counts and claim numbers."""

from __future__ import annotations

import logging
import queue
import threading
import time
from functools import partial

from review.page_view import PageCache
from review.store import ReviewStore

log = logging.getLogger(__name__)
HEAD = 50  # claims at the head of the queue whose pages are kept ready
INTERVAL_SECONDS = 120.0


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
            for claim_id in self._head():
                self._drain()
                if self._stop.is_set():
                    return
                self.render_claim(claim_id)
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

    def _head(self) -> list[str]:
        if self.head <= 0:
            return []
        try:
            return [row.claim_id for row in self.store.index.queue("to_review", per_page=self.head).rows]
        except Exception as error:  # the index down: the next pass tries again
            log.warning("page pre-rendering: the queue could not be read (%s)", type(error).__name__)
            return []

    def render_claim(self, claim_id: str) -> int:
        """Every page of the claim's documents in the cache; how many had to be rendered."""
        try:
            documents = self.store.load(claim_id).machine.documents
        except Exception as error:  # a claim gone or unreadable: its page will say so when opened
            log.warning("page pre-rendering: claim %s not read (%s)", claim_id, type(error).__name__)
            return 0
        done = 0
        for document in documents:
            loader = partial(self.store.original, claim_id, document.file)
            for info in document.pages:
                if self._stop.is_set():
                    return done
                try:
                    if not self.pages.cached(document.sha256, info.page):
                        self.pages.view(document.sha256, info.page, loader, document.file)
                        done += 1
                except Exception as error:  # an original that cannot be rendered: the page request says why
                    log.warning("page pre-rendering: a page of claim %s not rendered (%s)", claim_id, type(error).__name__)
        self.rendered += done
        return done
