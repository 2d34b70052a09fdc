"""Bounded sliding-window counters for the sign-in: the lock-out's failures per account name and the
rate limits per client address and per account name.

A table keeps at most `max_keys` keys (the least recently hit is evicted first) and forgets a key's
hits once they are older than the window, so an attacker trying millions of names or addresses costs
the desk a fixed amount of memory. Keys are short (account names are capped before they get here,
addresses are short); evicting under a flood means an attacker can make the desk forget a failure,
never remember more than `max_keys` of them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class SlidingWindow:
    """Hits per key within the last `window` seconds, at most `max_keys` keys."""

    def __init__(self, limit: int, window: float, max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1 or window <= 0 or max_keys < 1:
            raise ValueError("limit, window and max_keys must be positive")
        self.limit, self.window, self.max_keys, self._clock = limit, window, max_keys, clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._hits)

    def _recent(self, key: str, now: float) -> deque[float] | None:
        hits = self._hits.get(key)
        if hits is None:
            return None
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if not hits:
            del self._hits[key]
            return None
        return hits

    def count(self, key: str) -> int:
        """The hits of `key` within the window."""
        with self._lock:
            hits = self._recent(key, self._clock())
            return len(hits) if hits else 0

    def full(self, key: str) -> bool:
        """Whether `key` has reached the limit."""
        return self.count(key) >= self.limit

    def retry_after(self, key: str) -> float:
        """Seconds until `key` is under the limit again (0 when it is)."""
        with self._lock:
            now = self._clock()
            hits = self._recent(key, now)
            if not hits or len(hits) < self.limit:
                return 0.0
            return max(0.0, hits[0] + self.window - now)  # only the last `limit` hits are kept

    def hit(self, key: str) -> None:
        """Record one hit of `key` (evicting expired keys, then the least recently hit, beyond max_keys)."""
        with self._lock:
            now = self._clock()
            hits = self._recent(key, now)
            if hits is None:
                hits = self._hits[key] = deque(maxlen=self.limit)
            hits.append(now)
            self._hits.move_to_end(key)
            self._prune(now)

    def take(self, key: str) -> float:
        """Record one hit unless `key` is at its limit: 0 when recorded, else the seconds to wait."""
        with self._lock:
            now = self._clock()
            hits = self._recent(key, now)
            if hits is not None and len(hits) >= self.limit:
                return max(0.0, hits[0] + self.window - now)
        self.hit(key)
        return 0.0

    def forget(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)

    def _prune(self, now: float) -> None:
        """Keys are kept in the order of their last hit: the expired ones are at the front, then the
        least recently hit (evicted beyond max_keys). Amortised O(1) per hit."""
        while self._hits:
            oldest = next(iter(self._hits.values()))
            if len(self._hits) <= self.max_keys and oldest and now - oldest[-1] < self.window:
                break
            self._hits.popitem(last=False)
