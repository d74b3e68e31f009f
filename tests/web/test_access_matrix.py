"""Who reaches what: every route of the URL map against the access table, and object-level probes.

The routes come from the application's own URL map, so routes added later are covered by these
tests as soon as they exist; a route missing from tests/web/access_table.py fails the build.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support.security import (
    OTHER_PEOPLES_OBJECTS,
    ROLES,
    changed_tables,
    client_as,
    csrf_token_of,
    dump,
    int_arguments,
    iter_probe_rules,
    methods_of,
    own_ids,
    placeholder_values,
    probe_ids,
    routes,
    url_of,
)
from web.access_table import ACCESS, expected
from werkzeug.test import TestResponse

from placement.extensions import db

PROBES_PER_TYPE = 200


def outcome(response: TestResponse) -> str:
    if response.status_code in (301, 302, 303):
        location = response.headers.get("Location", "")
        return "sign-in" if location.startswith("/sign-in") else "302"
    return str(response.status_code)


def test_every_endpoint_of_the_url_map_is_in_the_access_table(app):
    endpoints = {rule.endpoint for rule in routes(app)}
    missing = sorted(endpoints - ACCESS.keys())
    stale = sorted(ACCESS.keys() - endpoints)
    assert not missing, (
        f"endpoints with no expected access: {missing}; add them to tests/web/access_table.py"
    )
    assert not stale, f"tests/web/access_table.py names endpoints that do not exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_access_table_says_on_every_page(app, role):
    client, _user = client_as(app, role)
    wrong = []
    for rule in routes(app):
        if "GET" not in methods_of(rule) or rule.endpoint not in ACCESS:
            continue
        url = url_of(app, rule, placeholder_values(rule))
        response = client.get(url)
        response.close()
        got = outcome(response)
        allowed = expected(rule.endpoint, role, has_id=bool(int_arguments(rule)))
        if got not in allowed:
            wrong.append(f"GET {url} as {role}: {got}, expected {sorted(allowed)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_the_wrong_roles_are_refused_on_every_form_and_nothing_is_written(app, role):
    client, _user = client_as(app, role)
    token = csrf_token_of(client)
    wrong = []
    refused = 0
    for rule in routes(app):
        if "POST" not in methods_of(rule) or rule.endpoint not in ACCESS:
            continue
        allowed = expected(rule.endpoint, role, has_id=bool(int_arguments(rule)))
        if not allowed <= {"sign-in", "403"}:
            continue
        url = url_of(app, rule, placeholder_values(rule))
        before = dump()
        got = outcome(client.post(url, data={"csrf_token": token}))
        refused += 1
        if got not in allowed:
            wrong.append(f"POST {url} as {role}: {got}, expected {sorted(allowed)}")
        if changes := changed_tables(before, dump()):
            wrong.append(f"POST {url} as {role} changed {changes}")
    assert not wrong, "\n".join(wrong)
    if refused == 0:
        pytest.skip(f"no form is closed to {role} yet")


def probe_area(
    app: Flask, area: str, *, others_per_type: int = 12, only: str | None = None
) -> dict[str, list[str]]:
    """Sign in as a `area` user who owns nothing and ask for other people's objects by id.

    Returns, per URL parameter, one line per probe that was not refused (and how many probes ran
    under the key "<parameter> count").
    """
    client, user = client_as(app, area)
    token = csrf_token_of(client)
    owned = own_ids(user)
    results: dict[str, list[str]] = defaultdict(list)
    by_parameter = defaultdict(list)
    for rule, parameter in iter_probe_rules(app, area):
        if only is None or rule.endpoint == only:
            by_parameter[parameter].append(rule)
    for parameter, rules in sorted(by_parameter.items()):
        make = OTHER_PEOPLES_OBJECTS.get(parameter)
        assert make is not None, (
            f"{parameter} in {[rule.rule for rule in rules]} has no factory: add one making "
            "other people's objects to OTHER_PEOPLES_OBJECTS in tests/support/security.py"
        )
        # Every route and method gets all the other people's ids and their neighbours; plain
        # numbers pad the probes of the type to PROBES_PER_TYPE in all.
        attempts = sum(len(methods_of(rule)) for rule in rules)
        share = -(-PROBES_PER_TYPE // attempts)
        ids = probe_ids(make(others_per_type), owned.get(parameter, set()), at_least=share)
        results[f"{parameter} count"] = []
        results[parameter] = []
        before = dump()
        for rule in rules:
            for method in methods_of(rule):
                for object_id in ids:
                    values = placeholder_values(rule, {parameter: object_id})
                    url = url_of(app, rule, values)
                    response = _send(client, method, url, token)
                    results[f"{parameter} count"].append(url)
                    if response.status_code not in (403, 404):
                        results[parameter].append(f"{method} {url}: {response.status_code}")
        if changes := changed_tables(before, dump()):
            results[parameter].append(f"probes of {parameter} changed {changes}")
    return results


def _send(client: FlaskClient, method: str, url: str, token: str) -> TestResponse:
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": token})


@pytest.mark.parametrize("area", ["student", "organisation"])
def test_no_probe_of_other_peoples_ids_succeeds_on_any_method(app, area):
    results = probe_area(app, area)
    parameters = [key.removesuffix(" count") for key in results if key.endswith(" count")]
    if not parameters:
        pytest.skip(f"no route of the {area} area takes an id yet")
    for parameter in parameters:
        assert results[parameter] == [], f"{area} reached other people's {parameter}"
        assert len(results[f"{parameter} count"]) >= PROBES_PER_TYPE


def test_a_coordinator_gets_404_for_ids_that_do_not_exist(app):
    client, _user = client_as(app, "coordinator")
    token = csrf_token_of(client)
    before = dump()
    wrong = []
    probed = 0
    for rule, parameter in iter_probe_rules(app, "coordinator"):
        for method in methods_of(rule):
            for object_id in (0, 2**31 - 1, 2**31, 2**63 - 1, 10**20):
                url = url_of(app, rule, placeholder_values(rule, {parameter: object_id}))
                probed += 1
                if (status := _send(client, method, url, token).status_code) != 404:
                    wrong.append(f"{method} {url}: {status}")
    if probed == 0:
        pytest.skip("no route of the coordinator area takes an id yet")
    assert wrong == []
    assert changed_tables(before, dump()) == []


def test_the_probes_catch_a_route_that_forgets_to_check_ownership(app):
    from placement.models import PlacementRole

    def leaky(role_id: int) -> str:
        role = db.session.get(PlacementRole, role_id)
        return role.title if role else ("", 404)  # type: ignore[return-value]

    app.add_url_rule("/organisation/leaky/<int:role_id>", "organisation.leaky", leaky)
    results = probe_area(app, "organisation", others_per_type=3, only="organisation.leaky")
    assert len(results["role_id"]) >= 3
    assert all(line.startswith("GET /organisation/leaky/") for line in results["role_id"])
