"""Jinja set-up: GOV.UK Frontend macros, the CSP nonce and the navigation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from placement import TEMPLATES_DIR

NAVIGATION = {
    "student": [
        ("Your profile", "student.dashboard"),
        ("Roles", "student.roles"),
        ("Offers", "student.offers"),
    ],
    "organisation": [
        ("Your organisation", "organisation.dashboard"),
        ("Roles", "organisation.roles"),
        ("Offers", "organisation.offers"),
    ],
    "coordinator": [
        ("Programme", "coordinator.dashboard"),
        ("Organisations", "coordinator.organisations"),
        ("Rounds", "coordinator.rounds"),
        ("Offers", "coordinator.offers"),
        ("Placements", "coordinator.placements_list"),
        ("Universities", "coordinator.universities"),
        ("Requests", "coordinator.change_requests_list"),
        ("Reports", "coordinator.reports"),
        ("Audit log", "coordinator.audit"),
    ],
}


def navigation() -> list[dict[str, Any]]:
    """Links for the service navigation, for whoever is signed in."""
    if not current_user.is_authenticated:
        return [
            {"text": "Sign in", "href": url_for("auth.sign_in")},
        ]
    links = [
        {"text": text, "href": url_for(endpoint), "active": request.endpoint == endpoint}
        for text, endpoint in NAVIGATION.get(current_user.role, [])
        if endpoint in current_app.view_functions
    ]
    links.append({"text": "Sign out", "href": url_for("auth.sign_out")})
    return links


def long_date(day: date | datetime | None) -> str:
    """A date in words, as people write it: 1 July 2027 (and the time, for a moment)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        return f"{day.day} {day:%B %Y} at {day:%H:%M}"
    return f"{day.day} {day:%B %Y}"


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(TEMPLATES_DIR)),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    app.jinja_env.globals["long_date"] = long_date
    app.jinja_env.filters["long_date"] = long_date
    app.context_processor(
        lambda: {
            "service_name": app.config["SERVICE_NAME"],
            "is_demo": app.config["DEMO"],
            "service_navigation": navigation,
        }
    )
