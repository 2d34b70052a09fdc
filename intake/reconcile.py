"""The reconciliation pass: which submissions wait, at the cost of what is new, not of the history.

Events (MinIO's bucket notifications, intake/events.py) start most submissions at once; this pass finds
what an event missed, and re-checks what is still open, with a few storage requests whatever the bucket
holds:

- it lists only the dated layout's recent hours (`inbox/<YYYY-MM-DDTHH>/`, intake/inbox.py): every hour
  from the watermark (a cursor in the index) to now - one LIST each, the current and the previous hour
  when the service keeps up; the watermark then moves to the hour before the current one (a writer's
  clock or a slow upload may still add to it);
- the index says which of the listed submissions are done (one query), which are taken and live, and
  which are open: seen and not complete (a manifest-less upload, re-checked until its quiet period
  ends), taken by a worker that died (its lease lapsed), dispatched to a run that never took them. Only
  those are looked at again (one LIST of their own keys each). A submission the index does not know is
  checked against its marker (one GET): the bucket stays the truth, the index is repaired from it;
- a full sweep (the whole inbox, both layouts, listed one folder at a time: an hour, or a channel of the
  undated layout - never the whole inbox in memory) runs when the index has no watermark (first start,
  a new database), when the watermark is older than CATCH_UP (the service was stopped), and every
  `sweep_every` (default 24 h): what no event announced in the undated layout of earlier releases, or
  added late to an old hour, is found then. Done submissions the index does not know (a new or lost
  index) cost one marker read each, once: their rows are written from the markers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from infra.index.store import ClaimIndex, SubmissionRow, open_index
from infra.storage.base import Storage
from intake import inbox
from intake.inbox import INBOX, DoneState, Submission, is_complete, marker_key, partition_of

WATERMARK = "inbox.watermark"  # the oldest hour a pass still lists
LAST_SWEEP = "inbox.last_sweep"
SWEEP_EVERY = timedelta(hours=24)
WINDOW = timedelta(hours=1)  # how far back from now an hour is still listed (its writers may not be done)
CATCH_UP = timedelta(hours=48)  # a watermark older than this: a full sweep instead of one LIST per hour
DISPATCH_LEASE = timedelta(hours=1)  # a dispatched submission no run took within this is dispatched again


def hours(since: str, until: datetime) -> list[str]:
    """The dated layout's hours from `since` (`YYYY-MM-DDTHH`) to `until`'s, oldest first."""
    start = datetime.strptime(since, "%Y-%m-%dT%H").replace(tzinfo=UTC)
    end = until.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    found = []
    while start <= end:
        found.append(partition_of(start))
        start += timedelta(hours=1)
    return found


@dataclass
class Reconciler:
    """The pending-submissions step of a service pass (`PassSteps.pending`), incremental."""

    index: ClaimIndex | None = None
    sweep_every: timedelta = SWEEP_EVERY
    lease: timedelta = inbox.LEASE
    dispatch_lease: timedelta = DISPATCH_LEASE

    def __call__(self, storage: Storage, now: datetime, quiet: timedelta = inbox.QUIET) -> list[Submission]:
        return self.pending(storage, now, quiet)

    def pending(self, storage: Storage, now: datetime, quiet: timedelta = inbox.QUIET) -> list[Submission]:
        """The complete submissions not done yet (and late parts of done ones), oldest first."""
        index = self.index or open_index(storage)
        watermark = index.cursor(WATERMARK)
        if self._sweep_due(index, watermark, now):
            return self.sweep(storage, index, now, quiet)
        return self.recent(storage, index, now, quiet, watermark or partition_of(now - WINDOW))

    def _sweep_due(self, index: ClaimIndex, watermark: str | None, now: datetime) -> bool:
        last = index.cursor(LAST_SWEEP)
        if watermark is None or last is None or now - datetime.fromisoformat(last) >= self.sweep_every:
            return True
        return now - datetime.strptime(watermark, "%Y-%m-%dT%H").replace(tzinfo=UTC) > CATCH_UP

    def sweep(self, storage: Storage, index: ClaimIndex, now: datetime, quiet: timedelta) -> list[Submission]:
        """Everything, both layouts, one folder at a time (an hour of the dated layout, a channel of the
        undated one: never the whole inbox in memory), each decided with the index; then the cursors."""
        folders, loose = storage.list_level(INBOX)
        found = self._decided(storage, index, inbox.group_submissions(loose), now, quiet)
        for folder in folders:
            found += self._decided(storage, index, inbox.group_submissions(storage.list(f"{INBOX}{folder}/")), now, quiet)
        index.set_cursor(LAST_SWEEP, now.isoformat(), now)
        index.set_cursor(WATERMARK, partition_of(now - WINDOW), now)
        return sorted(found, key=lambda s: (s.last_change, s.key))

    def _decided(
        self, storage: Storage, index: ClaimIndex, listed: list[Submission], now: datetime, quiet: timedelta
    ) -> list[Submission]:
        rows = index.submission_states(marker_key(s) for s in listed)
        return [s for s in (self.decide(storage, index, s, rows.get(marker_key(s)), now, quiet) for s in listed) if s]

    def recent(self, storage: Storage, index: ClaimIndex, now: datetime, quiet: timedelta, watermark: str) -> list[Submission]:
        """The recent hours' submissions and the index's open ones."""
        listed = inbox.group_submissions(o for hour in hours(watermark, now) for o in storage.list(f"{INBOX}{hour}/"))
        rows = index.submission_states(marker_key(s) for s in listed)
        found = [s for s in (self.decide(storage, index, s, rows.get(marker_key(s)), now, quiet) for s in listed) if s]
        seen = {s.base_key for s in listed}
        found += self._reopened(storage, index, now, quiet, seen)
        moved = partition_of(now - WINDOW)
        if moved > watermark:
            index.set_cursor(WATERMARK, moved, now)
        return sorted(found, key=lambda s: (s.last_change, s.key))

    def _reopened(self, storage: Storage, index: ClaimIndex, now: datetime, quiet: timedelta, seen: set[str]) -> list[Submission]:
        """The index's open submissions outside the listed hours, each looked up by its own keys."""
        found = []
        for row in index.unfinished(now, self.lease, self.dispatch_lease):
            submission = inbox.find_submission(storage, row.channel, row.name, row.partition)
            if submission is None or submission.base_key in seen:
                continue  # listed above (decided there), or its name is not known (a row rebuilt from a marker)
            seen.add(submission.base_key)
            base = index.submission(marker_key(submission))
            decided = self.decide(storage, index, submission, base, now, quiet)
            if decided is not None:
                found.append(decided)
        return found

    def decide(
        self,
        storage: Storage,
        index: ClaimIndex,
        submission: Submission,
        row: SubmissionRow | None,
        now: datetime,
        quiet: timedelta,
    ) -> Submission | None:
        """What to do with one submission as listed: itself, a late part of it, or nothing (done, taken, or
        not complete yet: then the index remembers it as `waiting`)."""
        if row is not None and row.state == "done":
            return self._late(storage, index, submission, DoneState(row.objects, row.latest_us), now, quiet)
        if row is not None and row.lease_since is not None:
            lease = self.dispatch_lease if row.state == "dispatched" else self.lease
            if row.state in ("processing", "dispatched") and now - row.lease_since < lease:
                return None  # a worker has it, or a run was started for it
        if not is_complete(submission, now, quiet):
            if row is None:
                index.put_submission(inbox.index_row(submission, "waiting"), now)
            return None
        marker = inbox.read_marker(storage, submission)
        if marker is not None and marker.state == "done":  # the index missed it: repaired from the bucket
            return self._repair(storage, index, submission, marker, now, quiet)
        return submission

    def _repair(
        self, storage: Storage, index: ClaimIndex, submission: Submission, marker: inbox.Marker, now: datetime, quiet: timedelta
    ) -> Submission | None:
        """A done submission the index did not know (or thought open): its row written as its marker
        accounts for it (the objects it lists, not those added since), and a late part returned if any."""
        state = DoneState(len(marker.objects), 0) if marker.objects else DoneState(None, None)
        late = inbox.late_part(storage, submission, state)
        late_keys = {o.key for o in late.objects} if late is not None else set()
        accounted = replace(
            submission, objects=tuple(o for o in submission.objects if o.key not in late_keys) or submission.objects
        )
        index.put_submission(inbox.index_row(accounted, "done", marker), now)
        return late if late is not None and is_complete(late, now, quiet) else None

    @staticmethod
    def _late(
        storage: Storage, index: ClaimIndex, submission: Submission, state: DoneState, now: datetime, quiet: timedelta
    ) -> Submission | None:
        """The objects added to a done submission, once complete; until then the index remembers them
        (a `waiting` row of the late part), so that they are looked at again once their hour is past."""
        late = inbox.late_part(storage, submission, state)
        if late is None:
            return None
        if is_complete(late, now, quiet):
            return late
        if index.submission(marker_key(late)) is None:
            index.put_submission(inbox.index_row(late, "waiting"), now)
        return None
