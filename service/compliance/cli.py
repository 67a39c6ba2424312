"""``canxie replay``: a district's compliance as of a past day, from the command line: from
the temporal tables (after catching the district up), or with ``--replay`` from a replay of
its events (the reference the tables are checked against)."""

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
@click.option("--replay", "by_replay", is_flag=True, help="Replay the events instead.")
def replay_command(district: str, as_of: date, basis: str, as_json: bool, by_replay: bool) -> None:
    """Check every rule of the plan on DISTRICT as of a day."""
    from service.compliance.queries import replayed_report, report
    from workers.runtime import Runtime
    from workers.settings import Settings

    runtime = Runtime.open(Settings.from_environ())
    try:
        if by_replay:
            body = replayed_report(runtime, district, as_of.date(), basis)
        else:
            runtime.catch_up(district)  # no worker runs for the command line
            body = report(runtime, district, as_of.date(), basis)
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
