"""The `placement` command: thin click commands over the services."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from placement.errors import ValidationFailed
from placement.extensions import db
from placement.services import accounts, taxonomy


def init_app(app: Flask) -> None:
    app.cli.add_command(create_coordinator)
    app.cli.add_command(load_reference_data)
    from placement.round_cli import offers_group, round_group

    app.cli.add_command(round_group)
    app.cli.add_command(offers_group)
    from placement.worker_cli import worker

    app.cli.add_command(worker)


def _create_app() -> Flask:
    from placement import create_app
    from placement.config import ConfigError

    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


@click.group(
    cls=FlaskGroup,
    create_app=_create_app,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
)
def main() -> None:
    """Digital Talent Placements: run `placement demo` to try it with made-up data."""


@click.command("create-coordinator")
@click.argument("email")
@click.password_option(
    "--password", prompt="Password for the new coordinator", help="Asked for when not given."
)
@with_appcontext
def create_coordinator(email: str, password: str) -> None:
    """Create a programme coordinator account."""
    try:
        user = accounts.create_coordinator(db.session, email, password)
    except ValidationFailed as failure:
        db.session.rollback()
        raise click.ClickException(failure.message) from None
    db.session.commit()
    click.echo(f"Created coordinator {user.email}.")


@click.command("load-reference-data")
@with_appcontext
def load_reference_data() -> None:
    """Load or refresh the skills taxonomy from the fixtures."""
    count = taxonomy.load_skills(db.session)
    db.session.commit()
    click.echo(f"Skills taxonomy: {count} skills.")


@main.command("demo", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database and exit.")
@click.option(
    "--size",
    type=click.Choice(["programme", "national"]),
    default="programme",
    show_default=True,
    help="programme: 600 students; national: 50,000 students and about 21,000 roles.",
)
@click.option(
    "--scale",
    type=click.FloatRange(0.0001, 1.0),
    default=1.0,
    help="With --size national: a fraction of the national counts, for trials.",
)
def demo(host: str, port: int, no_serve: bool, size: str, scale: float) -> None:
    """Serve the service with made-up demo data and one account per role."""
    from placement import create_app
    from placement.services import demo as demo_service

    config: dict[str, object] = {
        "DEMO": True,
        "SESSION_COOKIE_SECURE": False,
        "HSTS": False,
        "PUBLIC_URL": f"http://{host}:{port}",
    }
    if not os.environ.get("DATABASE_URL"):
        app = create_app(config)
        database = Path(app.instance_path) / "demo.sqlite"
        database.unlink(missing_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    app = create_app(config)
    with app.app_context():
        if demo_service.holds_data(db.engine):
            raise click.ClickException(
                "That database already holds data. The demo needs an empty database: "
                "unset DATABASE_URL to use a fresh SQLite file, or point it at an empty one."
            )
        upgrade(directory=current_app.extensions["migrate"].directory)
        counts = _national_demo(scale) if size == "national" else demo_service.load(db.session)
        university, api_token = demo_service.university_partner(db.session)
        db.session.commit()
    click.echo("Demo data: " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")
    for account in demo_service.DEMO_ACCOUNTS:
        click.echo(f"  {account.label}: {account.email} / {account.password}")
    click.echo(f"  University API ({university}): Authorization: Bearer {api_token}")
    if no_serve:
        return
    from placement.jobs import embedded

    embedded.start(app)  # background work in this process: no Redis needed
    click.echo(f"Serving the demo on http://{host}:{port} (press Ctrl+C to stop).")
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)


def _national_demo(scale: float) -> dict[str, int]:
    """Generate and bulk-load the national demo, with a progress bar and each part's time."""
    from placement import demo_national

    clock = demo_national.Clock()
    with clock.part("generating records"):
        regions = demo_national.generate(scale)
    with click.progressbar(
        length=demo_national.row_count(regions), label="Loading the national demo", width=30
    ) as bar:
        counts = demo_national.load(db.session, regions, progress=bar.update, clock=clock)
    with clock.part("commit"):
        db.session.commit()
    for part, seconds in clock.parts:
        click.echo(f"  {part}: {seconds:.1f} s")
    click.echo(f"  total: {sum(seconds for _, seconds in clock.parts):.1f} s")
    click.echo("Generated accounts have no password; only the accounts below can sign in.")
    return counts
