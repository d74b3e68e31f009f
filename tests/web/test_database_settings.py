"""The service's PostgreSQL connections run without JIT compilation (its queries are short), unless
the deployment's own engine options say otherwise; SQLite connections are left as they are."""

from __future__ import annotations

from sqlalchemy import text

from placement import config
from placement.extensions import db


def test_postgresql_connections_run_without_jit_and_sqlite_ones_are_untouched(app):
    if db.engine.dialect.name == "postgresql":
        assert db.session.execute(text("SHOW jit")).scalar() == "off"
    else:
        assert "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_connection_options_a_deployment_sets_are_kept():
    settings = {
        "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": "postgresql://db.example/placements",
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_size": 3,
            "connect_args": {"options": "-c jit=on", "connect_timeout": 5},
        },
    }

    config.check(settings)

    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_size": 3,
        "connect_args": {"options": "-c jit=on", "connect_timeout": 5},
    }


def test_the_shared_default_engine_options_are_never_changed_in_place():
    settings = {
        "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db.example/placements",
        "SQLALCHEMY_ENGINE_OPTIONS": config.DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"],
    }

    config.check(settings)

    assert settings["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"options": "-c jit=off"}
    assert "connect_args" not in config.DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"]
