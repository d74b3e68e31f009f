"""The student area: every route here needs a signed-in student account."""

from flask import Blueprint

from placement.access import restrict_to

bp = Blueprint("student", __name__, url_prefix="/student")
restrict_to(bp, "student")

# Route modules register themselves on bp when imported.
from placement.student import (  # noqa: E402,F401
    data_routes,
    offers,
    profile_routes,
    requests,
    role_routes,
    routes,
    sharing,
)
