"""``canxie replay``: a district's compliance as of a past day, from the command line."""

from __future__ import annotations

import json
from datetime import date

import click

#: The clock a report is read on, as an option of every command that reads one.
BASIS = click.option(
    "--basis",
    type=click.Choice(["recorded", "effective"]),
    default="recorded",
    show_default=True,
    help="recorded: what the records said; effective: what was true.",
)


@click.command("replay")
@click.argument("district")
@click.option(
    "--as-of",
    "as_of",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day, e.g. 2022-03-31.",
)
@BASIS
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
def replay_command(district: str, as_of: date, basis: str, as_json: bool) -> None:
    """Replay DISTRICT's events up to a day and check every rule of the plan."""
    from service.compliance.queries import report
    from workers.runtime import Runtime
    from workers.settings import Settings

    runtime = Runtime.open(Settings.from_environ())
    try:
        total = runtime.tenancy.records(district).head_position()
        with click.progressbar(length=total, label=f"replaying {district}", file=None) as bar:
            body = report(runtime, district, as_of.date(), basis, progress=bar.update)
            bar.update(total)
    finally:
        runtime.close()
    if as_json:
        click.echo(json.dumps(body, default=str, ensure_ascii=False, indent=2))
        return
    summary = body["summary"]
    click.echo(f"{district} as of {body['as_of']} ({basis}): {body['events_applied']} events")
    click.echo(
        f"associations {summary['associations']}, fully compliant "
        f"{summary['fully_compliant']}, coverage {summary['coverage_rate']}"
    )
    for rule_id, count in summary["failures_by_rule"].items():
        click.echo(f"  {rule_id}: {count} failing")
