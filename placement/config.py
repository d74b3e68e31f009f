"""Configuration read from environment variables, with the defaults a newcomer needs."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """The service cannot start with the configuration it was given."""


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Timings of background work that an operator may change (seconds, or a count).
JOB_SETTINGS = (
    "MAIL_MAX_ATTEMPTS",
    "MAIL_SENDING_STALE_SECONDS",
    "ROUND_HEARTBEAT_SECONDS",
    "ROUND_STALE_SECONDS",
    "SCHEDULE_SECONDS",
    "SWEEP_GRACE_SECONDS",
)


def _job_settings() -> dict[str, int]:
    found = {}
    for name in JOB_SETTINGS:
        value = os.environ.get(name)
        if value is None:
            continue
        if not value.strip().isdigit() or int(value) < 1:
            raise ConfigError(f"{name} must be a whole number of 1 or more, not {value!r}.")
        found[name] = int(value)
    return found


def from_environment(instance_path: str) -> dict[str, Any]:
    """The settings of one app, from the environment (documented in the README)."""
    default_db = "sqlite:///" + str(Path(instance_path) / "placements.sqlite")
    demo = _flag("PLACEMENT_DEMO")
    debug = _flag("FLASK_DEBUG")
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "DEMO": demo,
        "DEBUG": debug,
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "MAIL_BACKEND": os.environ.get(
            "MAIL_BACKEND",
            "console" if (demo or debug or not os.environ.get("MAIL_SERVER")) else "smtp",
        ),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL"),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Digital Talent Placements <placements@example.org>"
        ),
        "SERVER_NAME": os.environ.get("SERVER_NAME"),
        "TRUSTED_HOSTS": _split(os.environ.get("TRUSTED_HOSTS")),
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", default=not (demo or debug)),
        "OFFER_DEADLINE_DAYS": int(os.environ.get("OFFER_DEADLINE_DAYS", "7")),
        "HSTS": _flag("HSTS", default=not (demo or debug)),
        # Links in emails written by background jobs, outside any request.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000"),
        **_job_settings(),
    }


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
    "SESSION_IDLE_MINUTES": 30,
    "WTF_CSRF_TIME_LIMIT": None,
    "PASSWORD_RESET_HOURS": 2,
    "INVITATION_DAYS": 14,
    "RATELIMIT_SIGN_IN": "10 per 5 minutes",
    "SERVICE_NAME": "Digital Talent Placements",
    "TARGET_STUDENTS_PLACED": 500,
    "TARGET_ORGANISATIONS": 400,
    # Share of placed students who are young women: the digital workforce baseline to beat.
    "TARGET_WOMEN_SHARE": 0.17,
    # CSV imports are the largest uploads; bigger requests get the "too large" page (413).
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # The university API (docs/api.md): requests per token, and the largest request body
    # (1,000 invitations fit in about 300 KB).
    "API_RATE_LIMIT": "120 per minute",
    "API_MAX_BODY_BYTES": 1024 * 1024,
    "TESTING": False,
    # Email delivery: attempts before a message is "failed", and the wait after each failure.
    "MAIL_MAX_ATTEMPTS": 5,
    "MAIL_RETRY_SECONDS": (60, 300, 1800, 7200),
    # A message claimed this long ago with no outcome: its worker died mid-send.
    "MAIL_SENDING_STALE_SECONDS": 900,
    # A running round's worker writes a heartbeat this often; silent this long, it is dead.
    "ROUND_HEARTBEAT_SECONDS": 5,
    "ROUND_STALE_SECONDS": 60,
    # The scheduled tick (expiry, reminders, the sweep) runs this often.
    "SCHEDULE_SECONDS": 60,
    # The sweep queues again work due for longer than this (younger work was queued on commit).
    "SWEEP_GRACE_SECONDS": 120,
    # Queued this long and not started: the round page says the work is delayed.
    "QUEUE_DELAY_WARNING_SECONDS": 30,
    "REMINDER_DAYS": 2,
}


def _without_jit(options: dict[str, Any] | None) -> dict[str, Any]:
    """Engine options whose PostgreSQL connections run without JIT compilation, unless the
    options already say how: the service's queries are short, and compiling one of them (the
    readiness page's count at national size) took 100 ms, longer than running it."""
    options = dict(options or {})
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("options", "-c jit=off")
    options["connect_args"] = connect_args
    return options


def check(config: dict[str, Any]) -> None:
    """Refuse to start with settings that would be unsafe."""
    if not config.get("SECRET_KEY"):
        if config.get("DEBUG") or config.get("DEMO") or config.get("TESTING"):
            config["SECRET_KEY"] = os.urandom(32).hex()
        else:
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random value, for example the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`."
            )
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.removeprefix(
            "postgresql://"
        )
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = _without_jit(config.get("SQLALCHEMY_ENGINE_OPTIONS"))
