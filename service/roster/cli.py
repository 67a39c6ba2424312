"""``canxie roster``: importing a roster file, and finishing hand-overs left half-done."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from service.roster.imports import ImportReport


@click.group()
def roster() -> None:
    """The roster of disabled persons (残疾人名册)."""


@roster.command("import")
@click.argument("district")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--valid-rows-only",
    is_flag=True,
    help="Import the valid rows even when other rows have errors.",
)
@click.option("--dry-run", is_flag=True, help="Only validate; store nothing.")
@click.option("--batch-size", default=500, show_default=True, help="Rows per transaction.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_file(
    district: str,
    file: Path,
    valid_rows_only: bool,
    dry_run: bool,
    batch_size: int,
    as_json: bool,
) -> None:
    """Import a roster from a .csv or .xlsx FILE into DISTRICT, printing progress.

    Every row is validated first; with any error nothing is stored (unless
    --valid-rows-only).  Importing the same file again changes nothing.
    """
    from aggregates.errors import DomainError
    from service.application import operator
    from service.http.problems import ProblemError
    from service.roster import application
    from service.roster.imports import ImportFileError, Progress
    from workers.runtime import Runtime
    from workers.settings import Settings

    def show(progress: Progress) -> None:
        total = f"/{progress.total}" if progress.total else ""
        click.echo(
            f"{progress.phase}: {progress.rows}{total} rows, {progress.imported} imported", err=True
        )

    runtime = Runtime.open(Settings.from_environ())
    try:
        report = application.import_file(
            operator(runtime),
            district,
            lambda: file.open("rb"),
            file.name,
            valid_rows_only=valid_rows_only,
            dry_run=dry_run,
            batch_size=batch_size,
            progress=show,
        )
    except (ImportFileError, ProblemError) as error:
        raise click.ClickException(str(error)) from None
    except DomainError as error:
        raise click.ClickException(f"{error.field}: {error.detail}") from None
    finally:
        runtime.close()
    _echo_report(report, as_json)
    if report.errors and not valid_rows_only:
        sys.exit(1)


def _echo_report(report: ImportReport, as_json: bool) -> None:
    """The import's report as JSON, or as one line per bad row and a summary line."""
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for problem in report.errors:
            click.echo(f"row {problem.row}, column {problem.column or '-'}: {problem.message}")
        click.echo(
            f"{report.rows} rows: {report.valid} valid, {report.invalid} with errors; "
            f"{report.imported} imported, {report.unchanged} already on the roster, "
            f"{len(report.on_roster_differs)} on the roster with other details; "
            f"{'stored' if report.stored else 'nothing stored'} in {report.seconds:.1f} s"
        )


@roster.command("finish-transfers")
@click.argument("district", required=False)
def finish_transfers(district: str | None) -> None:
    """Finish every hand-over to another district that a crash or outage left pending."""
    from service.application import operator
    from service.roster import application
    from workers.runtime import Runtime
    from workers.settings import Settings

    runtime = Runtime.open(Settings.from_environ())
    try:
        codes = [district] if district else [d.code for d in runtime.tenancy.districts()]
        call = operator(runtime, reason="finish pending transfer")
        for code in codes:
            runtime.catch_up(code)
            for handover in application.resume_transfers(call, code):
                click.echo(
                    f"{code} -> {handover.to_district}: "
                    f"transfer {handover.transfer_id} {handover.state}"
                )
    finally:
        runtime.close()
