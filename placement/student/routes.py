"""The student area."""

from __future__ import annotations

from flask import render_template

from placement.student import bp


@bp.route("/")
def dashboard() -> str:
    return render_template("student/dashboard.html")


@bp.route("/roles")
def roles() -> str:
    return render_template("student/roles.html")
