"""Who is asking: a bearer token with the scope the route needs; nothing else gets in.

Checked once for the whole blueprint: the body's size, that no cookie came, the token, the scope.
"""

from __future__ import annotations

import hashlib

from flask import Response, current_app, g, request

from placement.api import bp, problems
from placement.extensions import db
from placement.models import ApiToken, UniversityPartner
from placement.services import audit, universities

# The scope each route needs; a route missing here is refused to every token.
SCOPES = {
    "api.invite_students": "students:write",
    "api.list_students": "students:read",
    "api.list_placements": "outcomes:read",
    "api.skills_demand": "skills:read",
}
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}


def _presented_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def rate_limit_key() -> str:
    """Requests are counted per token presented (a hash of it: the token itself is never kept),
    and per address for requests without one."""
    token = _presented_token()
    if token is None:
        return f"api-address:{request.remote_addr}"
    return "api-token:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def _refuse(reason: str, key_id: int | None = None) -> Response:
    audit.security_event(
        "api_token_refused", detail={"path": request.path, "reason": reason, "token_id": key_id}
    )
    return problems.problem(
        401,
        {
            "missing": "Send your API token in the Authorization header: Bearer <token>.",
            "malformed": "That is not an API token of this service.",
            "unknown": "That API token is not known.",
            "revoked": "That API token has been revoked: ask the programme for a new one.",
            "expired": "That API token has expired: ask the programme for a new one.",
        }[reason],
        kind="token-required",
        headers=CHALLENGE,
    )


def _too_large() -> Response | None:
    largest = current_app.config["API_MAX_BODY_BYTES"]
    # Also bounds bodies sent without a Content-Length (chunked): reading past it fails with 413.
    request.max_content_length = largest
    if request.content_length is not None and request.content_length > largest:
        return problems.problem(
            413, f"The request body is too large: send at most {largest} bytes in one request."
        )
    return None


@bp.before_request
def _authenticate() -> Response | None:
    if (refused := _too_large()) is not None:
        return refused
    if "Cookie" in request.headers:
        return problems.problem(
            400,
            "Send only the Authorization header: this API does not accept cookies.",
            kind="cookies-refused",
        )
    presented = _presented_token()
    if presented is None:
        return _refuse("missing")
    found = universities.check_bearer(db.session, presented)
    if found.refusal is not None:
        return _refuse(found.refusal, found.token.id if found.token is not None else None)
    token = found.token
    assert token is not None
    needed = SCOPES.get(request.endpoint or "")
    if needed is None or needed not in token.scopes:
        audit.security_event(
            "api_scope_refused",
            detail={"path": request.path, "token_id": token.id, "scope": needed},
        )
        return problems.problem(
            403, f"This token does not have the {needed} scope.", kind="scope-missing"
        )
    if universities.stamp_use(token):
        db.session.commit()
    g.api_token = token
    return None


def current_token() -> ApiToken:
    return g.api_token


def current_partner() -> UniversityPartner:
    return g.api_token.partner
