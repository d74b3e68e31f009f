"""CSRF: every route that accepts POST refuses a form without a valid token, even from this site."""

from __future__ import annotations

import pytest
from support.factories import PASSWORD, create_user
from support.http import sign_in, submit, text_of
from support.security import (
    area_of,
    changed_tables,
    client_as,
    csrf_token_of,
    dump,
    methods_of,
    placeholder_values,
    routes,
    url_of,
)
from web.access_table import ACCESS, allowed_role

SAME_ORIGIN = {"Referer": "http://localhost/", "Origin": "http://localhost"}


def role_for(rule):
    """A role that gets past the role check (routes not yet in the access table: by area)."""
    if rule.endpoint in ACCESS:
        return allowed_role(rule.endpoint)
    return area_of(rule) or "anonymous"


def _state_changing(app):
    """Every route taking a form; the bearer-token API has no forms and refuses cookies instead
    (tests/api/test_contract.py)."""
    return [
        rule
        for rule in routes(app)
        if set(methods_of(rule)) - {"GET"} and ACCESS.get(rule.endpoint) != "api-token"
    ]


@pytest.mark.parametrize("token", [None, "", "forged-token-value"], ids=["none", "empty", "forged"])
def test_every_state_changing_route_refuses_a_form_without_a_valid_token(app, token):
    rules = _state_changing(app)
    assert rules, "the URL map has no POST route"
    wrong = []
    for rule in rules:
        client, _user = client_as(app, role_for(rule))
        csrf_token_of(client)  # the session holds a real token; the form does not send it
        url = url_of(app, rule, placeholder_values(rule))
        data = {"email": "someone@example.org", "password": PASSWORD}
        if token is not None:
            data["csrf_token"] = token
        for method in set(methods_of(rule)) - {"GET"}:
            before = dump()
            response = client.open(url, method=method, data=data, headers=SAME_ORIGIN)
            if response.status_code != 400:
                wrong.append(f"{method} {url}: {response.status_code}")
            elif "did not come from this service" not in text_of(response):
                wrong.append(f"{method} {url}: refused, but not for the token")
            if changes := changed_tables(before, dump()):
                wrong.append(f"{method} {url} changed {changes}")
    assert wrong == []


def test_a_token_from_another_session_is_refused(app, client):
    other, _user = client_as(app, "anonymous")
    stolen = csrf_token_of(other)
    user = create_user("student")
    response = client.post(
        "/sign-in",
        data={"email": user.email, "password": PASSWORD, "csrf_token": stolen},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 400
    assert client.get("/student/").status_code == 302


def test_a_refused_token_is_recorded_as_a_security_event(app, client):
    from support.security import audit_actions

    client.post("/sign-in", data={"email": "a@example.org", "password": "x"}, headers=SAME_ORIGIN)
    assert audit_actions() == ["csrf_refused"]


def test_signing_in_still_works_with_the_token(client):
    user = create_user("student")
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    assert submit(client, "/sign-out", {}).status_code == 302
