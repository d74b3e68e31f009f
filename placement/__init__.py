"""Digital Talent Placements: the Flask service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from placement import config as configuration

PACKAGE_DIR = Path(__file__).resolve().parent


def _resource_dir(name: str) -> Path:
    """A folder shipped inside the installed package, or beside it in a checkout."""
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


TEMPLATES_DIR = _resource_dir("templates")
FIXTURES_DIR = _resource_dir("fixtures")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the service: configuration, extensions, blueprints, error pages and commands."""
    app = Flask(__name__, template_folder=str(TEMPLATES_DIR), instance_relative_config=True)
    app.config.from_mapping(configuration.DEFAULTS)
    app.config.from_mapping(configuration.from_environment(app.instance_path))
    app.config.from_mapping(config or {})
    configuration.check(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from placement import api, cli, errors, extensions, security, templating
    from placement.auth import bp as auth_bp
    from placement.coordinator import bp as coordinator_bp
    from placement.organisation import bp as organisation_bp
    from placement.public import bp as public_bp
    from placement.student import bp as student_bp

    extensions.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    from placement.jobs import dispatch

    dispatch.init_app(app)
    for blueprint in (public_bp, auth_bp, student_bp, organisation_bp, coordinator_bp):
        app.register_blueprint(blueprint)
    api.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
