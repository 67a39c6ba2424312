"""``canxie divisions``: a district's townships and villages from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click


@click.group()
def divisions() -> None:
    """A district's townships/streets and villages/communities."""


@divisions.command("import")
@click.argument("district")
@click.argument(
    "csv_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--city",
    is_flag=True,
    help="Import the city's township file shipped with canxie (the default without CSV_FILE).",
)
@click.option(
    "--effective-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date the divisions began, for rows without effective_on.",
)
def divisions_import(
    district: str, csv_file: Path | None, city: bool, effective_on: object
) -> None:
    """Import CSV_FILE (code,name[,district_code][,effective_on]) into DISTRICT.

    Without CSV_FILE (or with --city) the city's township file shipped with canxie is used.
    All rows or none: a file with errors is refused with every error and its line.  Rows of
    other districts (the city-wide township file) are skipped; importing twice changes nothing.
    """
    from aggregates.association.commands import DivisionImportRefused
    from aggregates.errors import DomainError
    from service.application import operator
    from service.cli.context import cli_settings as _settings
    from service.divisions import application
    from service.http.problems import ProblemError
    from workers.runtime import Runtime

    text = _division_text(csv_file, city)
    on: date | None = effective_on.date() if effective_on is not None else None  # type: ignore[attr-defined]
    runtime = Runtime.open(_settings())
    try:
        result = application.import_csv(operator(runtime), district, text, on)
    except DivisionImportRefused as refused:
        for row in refused.rows:
            click.echo(f"line {row['line']}, {row['field']}: {row['message']}", err=True)
        raise click.ClickException(refused.detail) from None
    except DomainError as error:
        raise click.ClickException(f"{error.field}: {error.detail}") from None
    except ProblemError as error:
        raise click.ClickException(error.detail) from None
    finally:
        runtime.close()
    click.echo(
        f"{district}: {result.created} created, {result.unchanged} unchanged, "
        f"{result.skipped_other_districts} rows of other districts skipped"
    )


def _division_text(csv_file: Path | None, city: bool) -> str:
    """The file given, or the city's township file shipped with the package."""
    from service.divisions.city_data import TOWNSHIPS, city_file

    if csv_file is not None and city:
        raise click.UsageError("give either CSV_FILE or --city, not both")
    if csv_file is None:
        return city_file(TOWNSHIPS)
    return csv_file.read_text(encoding="utf-8-sig")


@divisions.command("list")
@click.argument("district")
def divisions_list(district: str) -> None:
    """List the active divisions of DISTRICT from its read model."""
    from projections.divisions.divisions import list_divisions
    from service.cli.context import cli_settings as _settings
    from workers.runtime import Runtime

    runtime = Runtime.open(_settings())
    try:
        runtime.tenancy.district(district)
        runtime.catch_up(district)
        offset = 0
        while True:
            items, total = list_divisions(runtime.db, district, limit=500, offset=offset)
            for item in items:
                click.echo(f"{item['code']}\t{item['level']}\t{item['kind']}\t{item['name']}")
            offset += len(items)
            if not items or offset >= total:
                break
    finally:
        runtime.close()
