"""The student area: every route here needs a signed-in student account."""

from flask import Blueprint

from placement.access import restrict_to

bp = Blueprint("student", __name__, url_prefix="/student")
restrict_to(bp, "student")

from placement.student import routes  # noqa: E402,F401
from placement.student import offers  # noqa: E402,F401
