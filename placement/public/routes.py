"""The start page, the accessibility statement, the privacy notice and the health check."""

from __future__ import annotations

from flask import current_app, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

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


@bp.route("/healthz")
def healthz() -> tuple[object, int]:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "error", "database": "unavailable"}), 503
    return jsonify({"status": "ok", "database": "ok"}), 200
