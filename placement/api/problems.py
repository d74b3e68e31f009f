"""Errors on /api as RFC 9457 problem details: JSON, never an HTML page or a stack trace."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, current_app, json, request

API_PREFIX = "/api/"
CONTENT_TYPE = "application/problem+json"
DOCS = "/developers/api"

# Problem types this API defines beyond the plain HTTP statuses ("about:blank"); each is
# explained on the documentation page under the same anchor.
TYPES = {
    "invalid-request": "The request has problems: see errors",
    "token-required": "Send a valid API token",
    "scope-missing": "The token may not do this",
    "cookies-refused": "The API does not accept cookies",
    "invalid-cursor": "The cursor is not one this API gave",
}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem details response; `kind` names one of TYPES, else the type is about:blank."""
    body: dict[str, Any] = {
        "type": f"{DOCS}#problem-{kind}" if kind else "about:blank",
        "title": TYPES[kind] if kind else HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = current_app.response_class(json.dumps(body), status=status, mimetype=CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(headers or {})
    return response


DETAILS = {
    400: "The request could not be understood.",
    401: "Send a valid API token in the Authorization header: Bearer <token>.",
    403: "The token may not do this.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    406: "This API answers only in JSON.",
    413: "The request body is too large.",
    415: "Send the request body as JSON (Content-Type: application/json).",
    429: "Too many requests for this token: wait as long as Retry-After says, then try again.",
    500: "Something went wrong in the service. Nothing you sent has been saved.",
    503: "The service cannot reach its database. Nothing you sent has been saved.",
}


def _flatten(messages: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """marshmallow's nested {field: [messages]} as (path, message) pairs."""
    if isinstance(messages, dict):
        found = []
        for key, value in messages.items():
            found += _flatten(value, (*path, str(key)))
        return found
    if isinstance(messages, list):
        found = []
        for value in messages:
            found += _flatten(value, path) if isinstance(value, dict | list) else [(path, value)]
        return found
    return [(path, str(messages))]


def field_errors(messages: dict[str, Any]) -> list[dict[str, Any]]:
    """webargs' {"json": {...}, "query": {...}} as problem `errors`, each with a JSON pointer."""
    errors = []
    for location, nested in messages.items():
        for path, message in _flatten(nested):
            errors.append(error_entry(location, list(path), message))
    return errors


def error_entry(location: str, path: list[str], message: str) -> dict[str, Any]:
    """One problem with a field: where it is (`in`: json, query or header) and what to fix."""
    entry: dict[str, Any] = {
        "in": location,
        "pointer": "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in path),
        "field": path[-1] if path else None,
        "detail": message,
    }
    if len(path) >= 2 and path[0] == "students" and path[1].isdigit():
        entry["row"] = int(path[1])
    return entry


def from_http_error(status: int, data: dict[str, Any] | None, headers: dict[str, str]) -> Response:
    """The problem for an HTTP error raised anywhere under /api."""
    messages = (data or {}).get("messages")
    if status in (400, 422) and isinstance(messages, dict):
        return problem(
            status,
            "Some of what you sent is not valid: each entry in errors says where and what to fix.",
            kind="invalid-request",
            errors=field_errors(messages),
            headers=headers,
        )
    message = (data or {}).get("message")
    detail = message or DETAILS.get(status, HTTPStatus(status).phrase)
    return problem(status, detail, headers=headers)
