"""The JSON API for university partners, under /api/v1, described by OpenAPI 3.1.

flask-smorest builds the description from the schemas and routes; errors are problem details
(placement.api.problems); every route needs a bearer token with the right scope
(placement.api.auth).
"""

from __future__ import annotations

import http

from flask import Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response

from placement.api import problems
from placement.api.schemas import ProblemSchema

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Students in, outcomes and skills demand out, for university partners.",
)

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "A token a programme coordinator issued to your university. "
        "Send it as Authorization: Bearer <token>.",
    }
}


class ProblemApi(Api):
    """flask-smorest's Api, with errors documented as problem details and handled by the app's
    own error handlers (placement.errors), which answer /api with problem details."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, object] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, problems.CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, problems.CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def _limit() -> str:
    return str(current_app.config["API_RATE_LIMIT"])


class CookielessApiSessions(SecureCookieSessionInterface):
    """Under /api the session cookie is neither read nor written: only the bearer token counts."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(problems.API_PREFIX):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.path.startswith(problems.API_PREFIX):
            return
        super().save_session(app, session, response)


def _not_stored(response: Response) -> Response:
    """Nothing under /api is kept by a shared cache unless a route said otherwise (reads)."""
    if request.path.startswith(problems.API_PREFIX):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.session_interface = CookielessApiSessions()
    app.after_request(_not_stored)
    app.config.setdefault("API_TITLE", "Digital Talent Placements API")
    app.config.setdefault("API_VERSION", "1.0.0")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "Read the guide at /developers/api. Every error is an RFC 9457 "
                "problem (application/problem+json). Reads send an ETag and answer "
                "If-None-Match with 304.",
            },
            "servers": [{"url": "/"}],
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": SECURITY_SCHEMES},
        },
    )
    api = ProblemApi()
    api.init_app(app)
    api.register_blueprint(bp)
    app.extensions["placement-api"] = api
    app.register_blueprint(docs.bp)


# Route modules register themselves on bp when imported.
from placement.api import auth, docs, routes  # noqa: E402,F401
from placement.extensions import csrf, limiter  # noqa: E402

# Cookies never authenticate here, so the forms' CSRF protection is not needed: a request is only
# ever answered for the bearer token it carries (placement.api.auth). Done once, at import: the
# limiter and the CSRF extension are shared by every app in the process.
csrf.exempt(bp)
limiter.limit(_limit, key_func=auth.rate_limit_key)(bp)
