"""``canxie acceptance-report``: a district's acceptance report as Excel or PDF, from the shell."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from service.compliance.cli import BASIS


@click.command("acceptance-report")
@click.argument("district")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day (default: today).",
)
@BASIS
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--format", "kind", type=click.Choice(["xlsx", "pdf"]), default="pdf", show_default=True
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write it (default: acceptance-DISTRICT-DAY-BASIS.FORMAT).",
)
def acceptance_report_command(
    district: str, as_of: datetime | None, basis: str, lang: str, kind: str, out: Path | None
) -> None:
    """Write DISTRICT's acceptance report: compliance, problem list and the ledger head."""
    from service.campaign.queries import acceptance
    from service.campaign.reports import pdf, xlsx
    from workers.runtime import Runtime
    from workers.settings import Settings

    runtime = Runtime.open(Settings.from_environ())
    try:
        runtime.catch_up(district)  # no worker runs for the command line
        body = acceptance(runtime, district, as_of.date() if as_of else None, basis)
    finally:
        runtime.close()
    content = xlsx(body, lang) if kind == "xlsx" else pdf(body, lang)
    target = out or Path(f"acceptance-{district}-{body['as_of']}-{basis}.{kind}")
    target.write_bytes(content)
    click.echo(
        f"{target}: {district} as of {body['as_of']} ({basis}), "
        f"{body['problem_counts']['total']} problems, "
        f"ledger head {body['ledger_head']['tree_size'] if body['ledger_head'] else 'none'}"
    )
