"""The ``canxie`` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from service.campaign.cli import acceptance_report_command
from service.cli.context import cli_settings as _settings
from service.compliance.cli import replay_command
from service.divisions.cli import divisions
from service.http.access import Role
from service.ledger.cli import audit
from service.roster.cli import roster


@click.group()
def main() -> None:
    """canxie: records of village and community disabled persons' associations (残协)."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--data-dir", type=click.Path(path_type=Path), help="Embedded store folder.")
@click.option("--demo", is_flag=True, help="Load the demo city and its accounts first (once).")
@click.option("--workers", default=2, show_default=True, help="Processes (hosted mode only).")
@click.option("--threads", default=8, show_default=True, help="Threads per process.")
def serve(
    host: str, port: int, data_dir: Path | None, demo: bool, workers: int, threads: int
) -> None:
    """Serve the API (embedded: SQLite and an in-process worker, nothing else to install)."""
    from service.cli.server import serve as run_server
    from workers.runtime import Runtime

    settings = _settings(data_dir)
    runtime = Runtime.open(settings)
    runtime.tenancy.provision()
    address = _address(host, port)
    if settings.embedded:
        _first_administrator(runtime, address)
    if demo:
        _load_demo(runtime)
    runtime.close()
    click.echo(f"canxie serving on {address}/  mode: {settings.describe()}", err=True)
    run_server(settings, host=host, port=port, workers=workers, threads=threads)


def _address(host: str, port: int) -> str:
    """The URL a client on this machine reaches the server at (any-address binds: loopback)."""
    reachable = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]"}.get(host, host)
    if ":" in reachable and not reachable.startswith("["):
        reachable = f"[{reachable}]"  # an IPv6 literal
    return f"http://{reachable}:{port}"


def _first_administrator(runtime: Any, address: str) -> None:
    """On a new store served without a broker, make a city administrator to use the API at once.

    Its token is printed once and kept in ``<data dir>/admin-token`` (readable by the owner
    only), beside the store it opens; it signs in to the pages as ``admin`` with the one-time
    password printed here.  Hosted deployments use CANXIE_BOOTSTRAP_TOKEN.
    """
    from datetime import timedelta

    from service.application.sign_in import new_one_time_password

    if runtime.settings.bootstrap_token or runtime.accounts.users():
        return
    password = new_one_time_password()
    user = runtime.accounts.add_user(
        name="管理员 (administrator)",
        role="city_admin",
        district=None,
        township=None,
        association_id=None,
        organisation="",
        created_by="canxie serve",
        login="admin",
        one_time_password=password,
    )
    click.echo(f"sign in at {address}/ as admin with the one-time password {password}", err=True)
    token = runtime.accounts.issue_token(user.id, valid_for=timedelta(days=366))
    path = runtime.settings.data_dir / "admin-token"
    path.parent.mkdir(parents=True, exist_ok=True)  # a PostgreSQL store may not have made it
    path.touch(mode=0o600)
    path.write_text(token.token + "\n")
    click.echo(f"first administrator created; token in {path}", err=True)
    click.echo(
        f"  curl -H 'Authorization: Bearer {token.token}' {address}/api/v1/districts",
        err=True,
    )


def _load_demo(runtime: Any) -> None:
    """Load the demo city once and print its accounts' one-time passwords (shown once)."""
    import time

    from service.synthetic.demo_city import DISTRICTS, load_demo_city

    started = time.perf_counter()
    accounts = load_demo_city(runtime)
    codes = ", ".join(f"{code} {name}" for code, name, _ in DISTRICTS)
    if accounts is None:
        click.echo(
            f"demo city already there ({codes}); a new one-time password for a demo "
            "account: canxie users reset-password LOGIN",
            err=True,
        )
        return
    seconds = time.perf_counter() - started
    click.echo(f"demo city loaded in {seconds:.1f} s: {codes}", err=True)
    click.echo("demo accounts (sign in, then choose a password):", err=True)
    for account in accounts:
        click.echo(
            f"  {account.login:<17} {account.one_time_password}  "
            f"{account.role.value:<19} {account.organisation} {account.name}",
            err=True,
        )


@main.command()
@click.option("--data-dir", type=click.Path(path_type=Path))
def demo(data_dir: Path | None) -> None:
    """Load the demo city and its accounts into the store (idempotent)."""
    from workers.runtime import Runtime

    runtime = Runtime.open(_settings(data_dir))
    runtime.tenancy.provision()
    _load_demo(runtime)
    for district in runtime.tenancy.districts():
        runtime.catch_up(district.code)
    runtime.close()


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def worker(ctx: click.Context) -> None:
    """Run a Celery worker for the projection queue (extra options go to Celery)."""
    from workers.celery_app import celery

    settings = _settings()
    if settings.embedded:
        raise click.UsageError("set CANXIE_BROKER_URL: embedded mode projects in `canxie serve`")
    argv = ["worker", "--loglevel=INFO", "-Q", settings.queue, *ctx.args]
    celery.worker_main(argv)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def beat(ctx: click.Context) -> None:
    """Run Celery beat: the periodic sweep that catches every district up."""
    from workers.celery_app import celery

    celery.start(["beat", "--loglevel=INFO", *ctx.args])


@main.command()
@click.option("--check", is_flag=True, help="Only report whether provisioning is complete.")
def provision(check: bool) -> None:
    """Create the catalog and every district's schema and tables (idempotent)."""
    from workers.runtime import Runtime

    runtime = Runtime.open(_settings())
    try:
        if check:
            missing = [
                d.code
                for d in runtime.tenancy.districts()
                if not runtime.db.district_store_exists(d.code)
            ]
            if missing:
                click.echo(f"not provisioned: {', '.join(missing)}", err=True)
                sys.exit(1)
            click.echo("provisioned")
            return
        runtime.tenancy.provision()
        click.echo("provisioned")
    finally:
        runtime.close()


@main.group()
def districts() -> None:
    """Manage districts (tenants)."""


@districts.command("add")
@click.argument("code")
@click.argument("name")
def districts_add(code: str, name: str) -> None:
    """Add a district with its own store."""
    from aggregates.errors import DomainError
    from service.admin import application as admin
    from service.application import operator
    from workers.runtime import Runtime

    runtime = Runtime.open(_settings())
    try:
        runtime.tenancy.provision()
        admin.create_district(operator(runtime), code, name)
        click.echo(f"district {code} {name} created")
    except (DomainError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        runtime.close()


@districts.command("list")
def districts_list() -> None:
    """List districts."""
    from workers.runtime import Runtime

    runtime = Runtime.open(_settings())
    for district in runtime.tenancy.districts():
        click.echo(f"{district.code}\t{district.name}")
    runtime.close()


@main.command()
def lag() -> None:
    """Show each district's newest event, how far its read models have got, and how long the
    oldest event not yet projected has waited."""
    from projections.engine.lag import district_lag
    from workers.runtime import Runtime

    runtime = Runtime.open(_settings())
    try:
        click.echo("district\thead\tprojected\tbehind\tseconds")
        for district in runtime.tenancy.districts():
            try:
                mapper = runtime.tenancy.records(district.code).mapper
            except Exception:
                mapper = None
            lag = district_lag(runtime.db, district.code, mapper)
            click.echo(
                f"{district.code}\t{lag.head}\t{lag.projected}\t{lag.events_behind}"
                f"\t{lag.seconds_behind():.1f}"
            )
    finally:
        runtime.close()


@main.command()
@click.argument("district")
@click.argument("projection", nargs=-1)
@click.option(
    "--wait",
    default=60.0,
    show_default=True,
    help="Seconds to wait for a worker projecting the district to let go.",
)
@click.option(
    "--in-place",
    is_flag=True,
    help="One long transaction instead of a copy beside the live tables.",
)
def rebuild(district: str, projection: tuple[str, ...], wait: float, in_place: bool) -> None:
    """Rebuild a district's read models (or only PROJECTION ...) from its events.

    By default a copy is built beside the live tables in short batches while the live ones go
    on serving and catching up, then switched in; with --in-place, one transaction does it
    while the district's live catch-up waits.
    """
    from aggregates.errors import NotFound
    from projections.engine.claims import district_claim
    from projections.engine.rebuild import REBUILD_BATCH, UnknownProjection, projections_named
    from projections.engine.rebuild import rebuild as rebuild_district
    from workers.runtime import Runtime

    runtime = Runtime.open(_settings())
    try:
        chosen = projections_named(projection)
        mapper = runtime.tenancy.records(district).mapper
        if not in_place:
            from projections.engine.shadow_rebuild import rebuild_beside

            done = rebuild_beside(runtime.db, district, mapper, chosen)
            rest = runtime.catch_up(district)
            runtime.db.analyze(district)
            click.echo(
                f"{district}: rebuilt {', '.join(done.projections)} beside the live "
                f"tables from {done.events} events (position {done.position}); then "
                f"applied {rest.applied} more"
            )
            return
        with district_claim(runtime.db, district, wait_seconds=wait) as claimed:
            if not claimed:
                raise click.ClickException(f"district {district} stayed busy for {wait:.0f} s")
            done = rebuild_district(
                runtime.db,
                district,
                mapper,
                chosen,
                batch_size=max(runtime.settings.batch_size, REBUILD_BATCH),
            )
        rest = runtime.catch_up(district)  # the other read models, and events since
        runtime.db.analyze(district)
    except (NotFound, UnknownProjection) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        runtime.close()
    click.echo(
        f"{district}: rebuilt {', '.join(done.projections)} from {done.events} events "
        f"(position {done.position}); then applied {rest.applied} more"
    )


#: Events applied by one catch-up from which the planner's statistics are refreshed after it.
BULK_EVENTS = 10_000


@main.command("catch-up")
@click.argument("district", required=False)
def catch_up(district: str | None) -> None:
    """Project new events now, in this process (one district or all)."""
    from workers.runtime import Runtime

    runtime = Runtime.open(_settings())
    codes = [district] if district else [d.code for d in runtime.tenancy.districts()]
    for code in codes:
        result = runtime.catch_up(code)
        if result.applied >= BULK_EVENTS:
            runtime.db.analyze(code)
        click.echo(f"{code}: applied {result.applied} events, at position {result.position}")
    runtime.close()


main.add_command(audit)
main.add_command(roster)
main.add_command(divisions)
main.add_command(replay_command)
main.add_command(acceptance_report_command)


@main.group()
def users() -> None:
    """Manage accounts and their API tokens."""


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
)
@click.option("--district", help="6-digit district code (district roles, inspector).")
@click.option("--township", help="9-digit township code (township_officer).")
@click.option("--association", "association_id", help="Association id (association_worker).")
@click.option("--organisation", default="", help="e.g. 中原区残联")
@click.option("--login", help="What the person signs in with (default: role-N, e.g. inspector-1).")
@click.option("--valid-days", default=90, show_default=True, type=int)
def users_add(
    name: str,
    role: str,
    district: str | None,
    township: str | None,
    association_id: str | None,
    organisation: str,
    login: str | None,
    valid_days: int,
) -> None:
    """Create an account; print its login, one-time password and first token (shown once)."""
    from aggregates.errors import DomainError
    from service.admin import application as admin
    from service.application import operator
    from service.application.sign_in import new_one_time_password
    from service.http.access import Role
    from workers.runtime import Runtime

    runtime = Runtime.open(_settings())
    password = new_one_time_password()
    try:
        runtime.tenancy.provision()
        user, token = admin.add_user(
            operator(runtime),
            role=Role(role),
            valid_days=valid_days,
            login=login or admin.free_login(runtime, role),
            one_time_password=password,
            name=name,
            district=district,
            township=township,
            association_id=association_id,
            organisation=organisation,
        )
    except DomainError as exc:
        raise click.ClickException(f"{exc.field}: {exc.detail}") from None
    finally:
        runtime.close()
    click.echo(f"user {user.id} ({role}) created")
    click.echo(f"login {user.login}, one-time password (changed at the first sign-in): {password}")
    click.echo(f"token (store it now, it is not shown again): {token.token}")
    click.echo(f"token id {token.token_id}, expires {token.expires_at}")


def _new_one_time_password(act: str, *args: str) -> tuple[Any, str]:
    """Run ``service.admin.application.<act>(operator, *args)``, which hands out a one-time
    password, as the server's operator; a refusal is the command's error."""
    from aggregates.errors import DomainError
    from service.admin import application as admin
    from service.application import operator
    from workers.runtime import Runtime

    runtime = Runtime.open(_settings())
    try:
        runtime.tenancy.provision()
        done: tuple[Any, str] = getattr(admin, act)(operator(runtime), *args)
        return done
    except DomainError as exc:
        raise click.ClickException(exc.detail) from None
    finally:
        runtime.close()


@users.command("reset-password")
@click.argument("login")
def users_reset_password(login: str) -> None:
    """Give an account a new one-time password (shown once) and end its sessions."""
    user, password = _new_one_time_password("reset_password", login)
    click.echo(f"login {user.login}: signed out everywhere")
    click.echo(f"one-time password (changed at the next sign-in): {password}")


@users.command("set-login")
@click.argument("user_id")
@click.argument("login")
def users_set_login(user_id: str, login: str) -> None:
    """Let an account (one made before logins existed) sign in as LOGIN, with a one-time
    password (shown once); its sessions end."""
    user, password = _new_one_time_password("set_login", user_id, login)
    click.echo(f"user {user.id} signs in as {user.login}")
    click.echo(f"one-time password (changed at the next sign-in): {password}")


@users.command("list")
@click.option("--district", help="Only this district's accounts.")
def users_list(district: str | None) -> None:
    """List accounts with their tokens (ids and expiry, never the secrets)."""
    from workers.runtime import Runtime

    runtime = Runtime.open(_settings())
    try:
        for user in runtime.accounts.users(district):
            scope = user.association_id or user.township or user.district or "city"
            state = f"disabled {user.disabled_at}" if user.disabled_at else "active"
            login = user.login or "-"
            click.echo(f"{user.id}\t{login}\t{user.name}\t{user.role}\t{scope}\t{state}")
            for token in runtime.accounts.tokens(user.id):
                revoked = f" revoked {token['revoked_at']}" if token["revoked_at"] else ""
                click.echo(f"\ttoken {token['token_id']} expires {token['expires_at']}{revoked}")
    finally:
        runtime.close()


@users.command("revoke")
@click.argument("token_or_user_id")
def users_revoke(token_or_user_id: str) -> None:
    """Revoke one token (by token id), or disable a user and all their tokens (by user id)."""
    from aggregates.errors import Conflict, NotFound
    from service.admin import application as admin
    from service.application import operator
    from workers.runtime import Runtime

    runtime = Runtime.open(_settings())
    call = operator(runtime)
    try:
        try:
            admin.revoke_token(call, token_or_user_id)
            click.echo(f"token {token_or_user_id} revoked")
        except NotFound:
            admin.disable_user(call, token_or_user_id)
            click.echo(f"user {token_or_user_id} disabled, all tokens revoked")
    except NotFound:
        raise click.ClickException(f"no token or user {token_or_user_id}") from None
    except Conflict as refusal:
        raise click.ClickException(f"refused: {refusal.detail}") from None
    finally:
        runtime.close()
