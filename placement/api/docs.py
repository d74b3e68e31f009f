"""The API's documentation page, rendered on the server from the OpenAPI description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

from placement.api.problems import TYPES

bp = Blueprint("developers", __name__, url_prefix="/developers")


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow a $ref within the description."""
    while isinstance(node, dict) and "$ref" in node:
        path = node["$ref"].removeprefix("#/").split("/")
        node = spec
        for part in path:
            node = node[part]
    return node


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            summary, _, description = (operation.get("description") or "").partition("\n")
            found.append(
                {
                    "id": f"{method}-{path}".replace("/", "-").strip("-"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary") or summary,
                    "description": description.strip(),
                    "scope": operation.get("x-scope"),
                    "parameters": [_resolve(spec, p) for p in operation.get("parameters", [])],
                    "body": _schema_name(operation.get("requestBody", {})),
                    "responses": {
                        status: _response(spec, response)
                        for status, response in operation.get("responses", {}).items()
                    },
                }
            )
    return found


def _response(spec: dict[str, Any], response: dict[str, Any]) -> tuple[str, str | None]:
    found = _resolve(spec, response)
    return found.get("description", ""), _schema_name(found)


def _schema_name(part: dict[str, Any]) -> str | None:
    for content in part.get("content", {}).values():
        ref = content.get("schema", {}).get("$ref")
        if ref:
            return ref.rsplit("/", 1)[-1]
    return None


@bp.route("/api")
def api_docs() -> str:
    spec = current_app.extensions["placement-api"].spec.to_dict()
    return render_template(
        "developers/api.html",
        title="API for universities",
        spec=spec,
        operations=operations(spec),
        schemas=spec.get("components", {}).get("schemas", {}),
        problem_types=TYPES,
        rate_limit=current_app.config["API_RATE_LIMIT"],
        largest_body=current_app.config["API_MAX_BODY_BYTES"],
    )
