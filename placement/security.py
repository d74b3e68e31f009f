"""Sessions, security headers and sign-in rate limits."""

from __future__ import annotations

import time

from flask import Flask, Response, request, session
from flask_login import current_user, logout_user
from flask_talisman import Talisman
from sqlalchemy import select

from placement.extensions import db, login_manager

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


@login_manager.user_loader
def load_user(session_id: str):  # type: ignore[no-untyped-def]
    from placement.models import User

    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.execute(select(User).where(User.id == int(user_id))).scalar_one_or_none()
    if user is None or user.session_token != token or not user.active:
        return None
    return user


def start_session() -> None:
    """Stamp a fresh session so the idle and absolute time-outs can be enforced."""
    now = int(time.time())
    session["signed_in_at"] = now
    session["seen_at"] = now
    session.permanent = True


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


def init_app(app: Flask) -> None:
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
    app.before_request(lambda: _enforce_timeouts(app))
    app.after_request(_no_store)
