"""The shape of errors: what services raise, and the pages people see."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.wrappers import Response

from placement.extensions import db, login_manager

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """Something a service refused to do, in words the person can act on."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(ServiceError):
    """Input broke a rule; each problem names the field it belongs to (or None)."""

    def __init__(self, problems: list[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


class PermissionDenied(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    """The action no longer fits the state of things (already decided, data changed)."""


TITLES = {
    400: "There was a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "The file you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}


def _page(status: int, message: str | None = None) -> tuple[str, int]:
    title = TITLES.get(status, TITLES[500])
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _wants_json() -> bool:
    return request.path == "/healthz" or request.accept_mimetypes.best == "application/json"


def _api_problem(status: int, error: HTTPException | None = None) -> Response | None:
    """On /api every error is a problem details document (placement.api.problems)."""
    from placement.api import problems

    if not problems.is_api_request():
        return None
    headers: dict[str, str] = {}
    if error is not None:
        headers = {
            name: value for name, value in error.get_headers() if name.lower() != "content-type"
        }
    return problems.from_http_error(status, getattr(error, "data", None), headers)


def handle_http(error: HTTPException) -> tuple[object, int] | Response:
    status = error.code or 500
    if status == 500:
        return handle_unexpected(error)
    if status == 429:
        _record_rate_limit()
    if (api_problem := _api_problem(status, error)) is not None:
        return api_problem
    if isinstance(error, SecurityError):
        # A Host header outside TRUSTED_HOSTS: no URL can be built for it, so no page either.
        log.warning("refused untrusted host on %s %s", request.method, request.path)
        return "Bad request: this service does not answer for that host name.", 400
    if _wants_json():
        return jsonify({"status": "error", "code": status}), status
    return _page(status)


def handle_csrf(error: CSRFError) -> tuple[str, int]:
    from placement.services import audit

    audit.security_event("csrf_refused", detail={"path": request.path})
    return _page(
        400,
        "The form you sent had expired or did not come from this service. "
        "Go back, reload the page and try again.",
    )


def _record_rate_limit() -> None:
    from placement.services import audit

    try:
        audit.security_event("rate_limited", detail={"path": request.path})
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("rate limit on %s not recorded: the database is unavailable", request.path)


def handle_bad_value(error: DataError) -> tuple[object, int]:
    """A value the database cannot store (a NUL character, a number out of range) is the sender's
    mistake, not the service's."""
    db.session.rollback()
    log.warning("value refused by the database on %s %s", request.method, request.path)
    if (api_problem := _api_problem(400)) is not None:
        return api_problem
    if _wants_json():
        return jsonify({"status": "error", "code": 400}), 400
    return _page(
        400, "Something you sent could not be saved. Check what you entered and try again."
    )


def handle_database_down(error: DBAPIError) -> tuple[object, int]:
    db.session.rollback()
    # The page must not ask the database who is signed in: show it as to anyone.
    g._login_user = login_manager.anonymous_user()
    log.error("database unavailable: %s", type(error.orig).__name__ if error.orig else error)
    if (api_problem := _api_problem(503)) is not None:
        return api_problem
    if _wants_json():
        return jsonify({"status": "error", "database": "unavailable"}), 503
    return _page(
        503,
        "The service cannot reach its database at the moment. Nothing you sent has been saved. "
        "Please try again in a few minutes.",
    )


def handle_unexpected(error: HTTPException) -> tuple[str, int] | Response:
    db.session.rollback()
    log.exception("unhandled error on %s %s", request.method, request.path)
    if (api_problem := _api_problem(500)) is not None:
        return api_problem
    return _page(500, "Nothing you sent has been saved. Please try again later.")


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(DataError, handle_bad_value)
    app.register_error_handler(500, handle_unexpected)
