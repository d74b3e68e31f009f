"""The start page, accessibility statement, privacy notice, favicon and health check."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from placement.extensions import db
from placement.public import bp
from placement.services.demo import DEMO_ACCOUNTS


@bp.route("/")
def start() -> str:
    accounts = DEMO_ACCOUNTS if current_app.config["DEMO"] else None
    return render_template("public/start.html", demo_accounts=accounts)


@bp.route("/accessibility")
def accessibility() -> str:
    return render_template("public/accessibility.html")


@bp.route("/privacy")
def privacy() -> str:
    return render_template("public/privacy.html")


@bp.route("/favicon.ico")
def favicon() -> Response:
    """Browsers ask every site for /favicon.ico: the service's own mark, from its static files."""
    return send_from_directory(
        current_app.static_folder or "", "favicon.ico", mimetype="image/vnd.microsoft.icon"
    )


@bp.route("/healthz")
def healthz() -> tuple[object, int]:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "error", "database": "unavailable"}), 503
    return jsonify({"status": "ok", "database": "ok"}), 200
