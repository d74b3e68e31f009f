"""Posting forms the way a browser does: fetch the page, take its CSRF token, send the form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

TOKEN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'type="hidden" name="csrf_token" value="([^"]+)"|'
    r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"'
)


def csrf_token(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "the page has no CSRF token"
    return next(group for group in match.groups() if group)


def submit(
    client: FlaskClient,
    url: str,
    data: Mapping[str, Any] | None = None,
    *,
    page: str | None = None,
    follow: bool = False,
) -> TestResponse:
    """GET the form page (or `page`), then POST `data` to `url` with the page's CSRF token."""
    form_page = client.get(page or url)
    assert form_page.status_code == 200, f"{page or url} answered {form_page.status_code}"
    payload = dict(data or {})
    payload["csrf_token"] = csrf_token(form_page.get_data(as_text=True))
    return client.post(url, data=payload, follow_redirects=follow)


def sign_in(client: FlaskClient, email: str, password: str) -> TestResponse:
    response = submit(client, "/sign-in", {"email": email, "password": password})
    assert response.status_code == 302, f"could not sign in as {email}"
    return response


def text_of(response: TestResponse) -> str:
    return response.get_data(as_text=True)
