"""The coordinator area: every route here needs a signed-in coordinator account."""

from flask import Blueprint

from placement.access import restrict_to

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")
restrict_to(bp, "coordinator")

from placement.coordinator import routes  # noqa: E402,F401
from placement.coordinator import (  # noqa: E402,F401
    audit_log,
    coordinators,
    offers,
    organisations,
    rounds,
)
from placement.coordinator import imports, reports  # noqa: E402,F401
