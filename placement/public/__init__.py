"""Pages anyone can see."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from placement.public import routes  # noqa: E402,F401
