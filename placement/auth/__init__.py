"""Registering, signing in and out, and passwords."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from placement.auth import routes  # noqa: E402,F401
