"""The bookkeeping of one run: lease, heartbeat, counts, errors, final status.

Both flows (``ingest`` and ``rerun_url``) use one :class:`Run`, so a failure of the
bookkeeping itself (the database locked past the busy timeout, a full disk) is
handled in one place, the same way: it never ends the run. What could not be written
is kept in memory and written at the next chance (the next error, heartbeat or the
finish, which retries for a while), and it makes the run ``partial``. Only a finish
that still cannot be written after its retries is reported to the caller
(``bookkeeping_error`` in the result); the run row then keeps its lease, which
expires, and the next ingest marks that run ``abandoned``.

No Prefect here: flows only wire tasks around this object.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from pipeline import store
from pipeline.ingest import RunCounts
from pipeline.types import FetchError

log = logging.getLogger(__name__)

FINISH_RETRY_SECONDS = 120.0  # a writer may hold the lock for a long while; the finish outwaits it


class Run:
    """One run's row in ``runs``, its counts and its ``fetch_errors``.

    Use as a context manager: an exception escaping the block is recorded as one error
    of stage ``run`` and the run ends ``failed``; otherwise it ends with the status
    :meth:`status` computes (or the one given to :meth:`finish`).
    """

    def __init__(self, db, kind: str, run_id: int, *, entries: int = 0,
                 status_rule: Callable[["Run"], str] | None = None) -> None:
        self.db = db
        self.kind = kind
        self.run_id = run_id
        self.counts = RunCounts(entries=entries)
        self.pending: list[FetchError] = []  # recorded, not yet written (database busy or full)
        self.bookkeeping_failures = 0
        self.finished = False
        self.final_status: str | None = None
        self.bookkeeping_error: str | None = None
        self._status_rule = status_rule

    # -- starting --------------------------------------------------------------------

    @classmethod
    def start(cls, db_path: str | Path, kind: str, *, exclusive: bool = True, lease_seconds: int = 3600,
              entries: int = 0, status_rule: Callable[["Run"], str] | None = None) -> "Run":
        """Open the database (refusing a damaged one: ``store.CorruptDatabase``) and take
        the run's lease (``store.RunLeaseHeld`` when another ingest holds it)."""
        db = store.open_db(db_path, check=True)
        run_id = store.start_run(db, kind, lease_seconds=lease_seconds, exclusive=exclusive)
        return cls(db, kind, run_id, entries=entries, status_rule=status_rule)

    # -- during the run --------------------------------------------------------------

    def record(self, errors: Iterable[FetchError]) -> None:
        """Count and store failed items; what cannot be stored now is kept for later."""
        errors = list(errors)
        self.counts.add_errors(errors)
        self.pending.extend(errors)
        self._flush()

    def heartbeat(self) -> None:
        """Extend the lease. A busy or full database is recorded, never raised."""
        try:
            store.heartbeat(self.db, self.run_id)
        except store.StoreError as exc:
            self._bookkeeping_failed("heartbeat", exc)
            return
        self._flush()

    def _bookkeeping_failed(self, what: str, exc: Exception) -> None:
        log.warning("run %s: %s failed: %s", self.run_id, what, exc)
        self.bookkeeping_failures += 1
        err = FetchError(url="", stage="run", error_class=type(exc).__name__, message=f"{what}: {exc}"[:500])
        self.counts.add_errors([err])
        self.pending.append(err)

    def _flush(self) -> bool:
        """Write pending errors; True when none is left."""
        while self.pending:
            try:
                store.record_error(self.db, self.run_id, self.pending[0])
            except store.StoreError as exc:
                log.warning("run %s: could not record an error yet (kept for later): %s", self.run_id, exc)
                return False
            self.pending.pop(0)
        return True

    # -- the end ---------------------------------------------------------------------

    def status(self) -> str:
        if self._status_rule is not None:
            return self._status_rule(self)
        return "partial" if self.counts.errors else "ok"

    def finish(self, status: str | None = None, *, retry_seconds: float = FINISH_RETRY_SECONDS) -> str:
        """Write pending errors, counts and the final status; retries while the database
        is busy or full. Returns the status written (or that could not be written)."""
        if self.finished:
            return self.final_status or "failed"
        status = status or self.status()
        deadline = time.monotonic() + retry_seconds
        delay = 0.5
        while True:
            try:
                if self._flush():
                    store.finish_run(self.db, self.run_id, self.counts.as_dict(), status)
                    self.bookkeeping_error = None
                    break
                raise store.StoreError("pending errors could not be written")
            except store.StoreError as exc:
                self.bookkeeping_error = f"{type(exc).__name__}: {exc}"
                if time.monotonic() >= deadline:
                    log.error("run %s: could not write its end (%s); its lease will expire", self.run_id, exc)
                    break
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        self.finished = True
        self.final_status = status
        return status

    def result(self, **extra: Any) -> dict[str, Any]:
        """What a flow returns: run id, status, counts, and any bookkeeping failure."""
        out: dict[str, Any] = {"run_id": self.run_id, "status": self.final_status or self.status(),
                               **self.counts.as_dict(), **extra}
        if self.bookkeeping_error:
            out["bookkeeping_error"] = self.bookkeeping_error
        return out

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is not None and not self.finished:
            # KeyboardInterrupt, SystemExit, Prefect's TerminationSignal (SIGTERM): not Exceptions
            reason = "crashed" if isinstance(exc, Exception) else "interrupted"
            sig = getattr(exc, "signal", None)
            detail = f"signal {sig}" if sig else (str(exc) or type(exc).__name__)
            err = FetchError(url="", stage="run", error_class=type(exc).__name__,
                             message=f"run {reason}: {detail}"[:500])
            self.counts.add_errors([err])
            self.pending.append(err)
            self.finish("failed", retry_seconds=10.0)
        elif not self.finished:
            self.finish()
        return False


def ingest_status(run: Run) -> str:
    """``failed`` when nothing at all could be fetched (every feed failed), ``partial``
    when some item or the bookkeeping failed, else ``ok``."""
    c = run.counts
    if c.feeds > 0 and c.feeds_failed == c.feeds:
        return "failed"
    return "partial" if c.errors else "ok"


def rerun_status(run: Run) -> str:
    """A re-run is ``ok`` when its article was stored, ``partial`` when it was stored but
    something was recorded on the way, else ``failed``."""
    if not run.counts.written:
        return "failed"
    return "partial" if run.counts.errors else "ok"


def record_refused_start(db_path: str | Path, kind: str, error_class: str, message: str) -> int | None:
    """A run that could not start (e.g. no Prefect server): one ``failed`` run row with
    the reason as its error, so ``newsev runs`` shows it. None when even that fails."""
    try:
        db = store.open_db(db_path, check=True)
        run_id = store.start_run(db, kind, exclusive=False)
        store.record_error(db, run_id, FetchError(url="", stage="run", error_class=error_class, message=message[:4000]))
        store.finish_run(db, run_id, RunCounts(errors=1, by_stage={"run": 1}).as_dict(), "failed")
        return run_id
    except (store.StoreError, OSError) as exc:
        log.error("could not record the refused %s run: %s", kind, exc)
        return None
