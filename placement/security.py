"""Sessions, security headers and sign-in rate limits."""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user, logout_user
from flask_talisman import Talisman
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.routing import IntegerConverter, Map

from placement.extensions import db, login_manager
from placement.forms import CANONICAL_ID, LARGEST_ID, is_whole_number

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}

talisman = Talisman()


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in URLs: one way to write each id, and one too large for a column is not found.

    Werkzeug's own pattern is `\\d+`, which lets `/roles/00001` and `/roles/%D9%A1` (an Arabic-Indic
    one) reach id 1; here only the form that `url_for` writes matches, anything else is a 404.
    """

    regex = CANONICAL_ID.pattern

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = LARGEST_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


@login_manager.user_loader
def load_user(session_id: str):  # type: ignore[no-untyped-def]
    from placement.models import User

    user_id, _, token = session_id.partition(":")
    if not is_whole_number(user_id) or not token:
        return None
    user = db.session.execute(select(User).where(User.id == int(user_id))).scalar_one_or_none()
    if user is None or user.session_token != token or not user.active:
        return None
    return user


def start_session() -> None:
    """Stamp a fresh session so the idle and absolute time-outs can be enforced.

    The CSRF secret is made now too, so pages opened at once after signing in (the redirect and a
    second tab) share it, whichever of their cookies arrives last.
    """
    now = int(time.time())
    session["signed_in_at"] = now
    session["seen_at"] = now
    session.permanent = True
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)  # the token made before the clear
    generate_csrf()


def _enforce_timeouts(app: Flask) -> None:
    if not current_user.is_authenticated:
        return
    now = int(time.time())
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if now - session.get("seen_at", 0) > idle or now - session.get("signed_in_at", 0) > absolute:
        logout_user()
        session.clear()
        return
    session["seen_at"] = now


def _no_store(response: Response) -> Response:
    if current_user.is_authenticated or request.endpoint in {"auth.sign_in", "auth.reset_password"}:
        response.headers["Cache-Control"] = "no-store"
    return response


def _run_talisman_first(app: Flask) -> None:
    """The nonce is made before CSRF and rate-limit checks, so their error pages get one too."""
    functions = app.before_request_funcs.setdefault(None, [])
    first = [function for function in functions if getattr(function, "__self__", None) is talisman]
    app.before_request_funcs[None] = first + [f for f in functions if f not in first]


def init_app(app: Flask) -> None:
    # Before the blueprints are registered, so that every rule uses it.
    app.url_map.converters["int"] = DatabaseIdConverter
    talisman.init_app(
        app,
        force_https=False,
        strict_transport_security=app.config["HSTS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="same-origin",
        x_content_type_options=True,
        frame_options="DENY",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    _run_talisman_first(app)
    app.before_request(lambda: _enforce_timeouts(app))
    app.after_request(_no_store)
