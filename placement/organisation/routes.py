"""The organisation area."""

from __future__ import annotations

from flask import render_template

from placement.organisation import bp


@bp.route("/")
def dashboard() -> str:
    return render_template("organisation/dashboard.html")
