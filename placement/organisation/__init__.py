"""The organisation area: every route here needs a signed-in organisation account."""

from flask import Blueprint

from placement.access import restrict_to

bp = Blueprint("organisation", __name__, url_prefix="/organisation")
restrict_to(bp, "organisation")

# Route modules register themselves on bp when imported.
from placement.organisation import (  # noqa: E402,F401
    offers,
    routes,
)
