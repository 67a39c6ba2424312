"""A roster import run in the background of the web process, so that the page answers at once
and shows progress (a 6,000-row file takes most of a minute on a loaded machine, longer than a
proxy waits).  Its state lives in the catalog (projections/platform/import_jobs.py), so any
process can answer for it; the file's bytes live only in the running thread's memory and are
dropped when it ends (a restart loses them with the job, which then shows as interrupted)."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from typing import Any

from aggregates.errors import DomainError
from projections.platform.import_jobs import ImportJobs
from service.application.caller import Caller
from service.messages import fact_text
from service.roster import application as roster
from service.roster.imports import ImportFileError, ImportReport, Progress, RowError

log = logging.getLogger(__name__)

#: Row errors kept with a job (the report counts them all).
KEPT_ERRORS = 500
#: Rows between two progress reports while the rows are checked.
PROGRESS_EVERY = 100

#: Starts the job's work: a thread by default; tests hold it to see a running job.
Runner = Callable[[Callable[[], None]], None]


def in_thread(work: Callable[[], None]) -> None:
    """Run ``work`` on a daemon thread (a stopping server does not wait for it)."""
    threading.Thread(target=work, name="roster-import", daemon=True).start()


def _error(error: RowError) -> dict[str, Any]:
    """A row error as kept: the domain's refusal by its message id and facts, so that a page
    says it in its reader's language."""
    refusal = _refusal(error.refusal) if error.refusal is not None else None
    return {**error.as_dict(), "refusal": refusal}


def outcome(report: ImportReport) -> dict[str, Any]:
    """The report as a finished job keeps it: its counts and the first row errors."""
    kept = report.as_dict()
    kept["error_count"] = len(report.errors)
    kept["errors"] = [_error(e) for e in report.errors[:KEPT_ERRORS]]
    return kept


def start(
    caller: Caller,
    jobs: ImportJobs,
    code: str,
    upload: tuple[str, bytes, int],
    options: dict[str, Any],
    runner: Runner = in_thread,
) -> str:
    """Start importing ``upload`` (file name, bytes, data rows counted) into district ``code``
    as the caller; the job's id."""
    filename, content, total = upload
    job_id = jobs.create(code, caller.principal.actor, total)

    def report(progress: Progress) -> None:
        done = progress.rows if progress.phase != "done" else total
        shown_total = progress.total if progress.phase == "saving" and progress.total else total
        jobs.advance(job_id, progress.phase, done, shown_total, progress.invalid)

    def work() -> None:
        try:
            found = roster.import_file(
                caller,
                code,
                lambda: io.BytesIO(content),
                filename,
                progress=report,
                progress_every=PROGRESS_EVERY,
                **options,
            )
            jobs.finish(job_id, "done", outcome(found))
        except ImportFileError as error:
            jobs.finish(job_id, "failed", {"file": str(error)})
        except DomainError as error:
            jobs.finish(job_id, "failed", {"refusal": _refusal(error)})
        except Exception as error:  # the page must say it failed, not show it running
            # The type alone: a message could quote a cell of the file.
            log.warning("roster import job %s failed: %s", job_id, type(error).__name__)
            jobs.finish(job_id, "failed", {})

    runner(work)
    return job_id


def _refusal(error: DomainError) -> dict[str, Any]:
    """A refusal as kept: its message id and facts (said later in the reader's language)."""
    facts = {name: fact_text(value) for name, value in error.facts.items()}
    return {"message": error.message, "facts": facts}
