"""The coordinator area."""

from __future__ import annotations

from flask import render_template

from placement.coordinator import bp


@bp.route("/")
def dashboard() -> str:
    return render_template("coordinator/dashboard.html")
