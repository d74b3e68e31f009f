"""The coordinator area: every route here needs a signed-in coordinator account."""

from flask import Blueprint

from placement.access import restrict_to

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")
restrict_to(bp, "coordinator")

# Route modules register themselves on bp when imported.
from placement.coordinator import (  # noqa: E402,F401
    audit_log,
    coordinators,
    imports,
    offers,
    organisations,
    reports,
    requests,
    rounds,
    routes,
    universities,
)
