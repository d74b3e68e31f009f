"""Security headers on every response, HSTS in production, trusted hosts."""

from __future__ import annotations

import re

import pytest
from support.security import (
    ROLES,
    client_as,
    methods_of,
    placeholder_values,
    routes,
    sqlite_app,
    url_of,
)
from werkzeug.test import TestResponse

from placement import config as configuration


def csp_problems(response: TestResponse) -> list[str]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip()
    )
    problems = []
    if not re.search(r"'nonce-[A-Za-z0-9_\-+/=]{16,}'", directives.get("script-src", "")):
        problems.append("script-src has no nonce")
    for name in ("object-src", "base-uri", "frame-ancestors"):
        if directives.get(name) != "'none'":
            problems.append(f"{name} is {directives.get(name)!r}")
    if "'unsafe-inline'" in policy or "'unsafe-eval'" in policy:
        problems.append("unsafe-inline or unsafe-eval allowed")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if not response.headers.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    return problems


def test_every_kind_of_response_carries_the_security_headers(client):
    responses = {
        "page": client.get("/"),
        "form": client.get("/sign-in"),
        "not found": client.get("/no-such-page"),
        "bad request": client.post("/sign-in", data={}),
        "static file": client.get("/static/css/app.css"),
        "health check": client.get("/healthz"),
        "redirect": client.get("/student/"),
        "wrong method": client.delete("/"),
    }
    responses["static file"].close()
    problems = {name: csp_problems(response) for name, response in responses.items()}
    assert problems == {name: [] for name in responses}
    assert responses["static file"].status_code == 200


def test_the_nonce_changes_on_every_response(client):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    assert first != second


@pytest.mark.parametrize("role", ROLES[1:])
def test_every_signed_in_page_has_the_headers_and_is_not_stored(app, role):
    client, _user = client_as(app, role)
    wrong = []
    for rule in routes(app):
        if "GET" not in methods_of(rule):
            continue
        url = url_of(app, rule, placeholder_values(rule))
        response = client.get(url)
        response.close()
        problems = csp_problems(response)
        if response.headers.get("Cache-Control") != "no-store":
            problems.append(f"Cache-Control is {response.headers.get('Cache-Control')!r}")
        if problems:
            wrong.append(f"{url} as {role}: {problems}")
    assert wrong == []


def test_the_sign_in_page_is_not_stored_either(client):
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"


def test_production_defaults_turn_on_hsts_and_secure_cookies(monkeypatch, tmp_path):
    for name in ("PLACEMENT_DEMO", "FLASK_DEBUG", "HSTS", "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    settings = configuration.from_environment(str(tmp_path))
    assert settings["HSTS"] is True and settings["SESSION_COOKIE_SECURE"] is True

    app = sqlite_app(tmp_path, HSTS=True, SESSION_COOKIE_SECURE=True)
    hsts = app.test_client().get("/", base_url="https://localhost")
    assert "max-age=" in hsts.headers["Strict-Transport-Security"]
    proxied = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in proxied.headers


def test_the_demo_has_no_hsts(monkeypatch, tmp_path):
    monkeypatch.setenv("PLACEMENT_DEMO", "1")
    monkeypatch.delenv("HSTS", raising=False)
    settings = configuration.from_environment(str(tmp_path))
    assert settings["HSTS"] is False and settings["SESSION_COOKIE_SECURE"] is False
    app = sqlite_app(tmp_path, HSTS=False)
    response = app.test_client().get("/", base_url="https://localhost")
    assert "Strict-Transport-Security" not in response.headers


def test_trusted_hosts_refuse_a_foreign_host_header(monkeypatch, tmp_path):
    monkeypatch.setenv("TRUSTED_HOSTS", "placements.example.org, localhost")
    assert configuration.from_environment(str(tmp_path))["TRUSTED_HOSTS"] == [
        "placements.example.org",
        "localhost",
    ]
    app = sqlite_app(tmp_path, TRUSTED_HOSTS=["placements.example.org", "localhost"])
    client = app.test_client()
    assert client.get("/", headers={"Host": "placements.example.org"}).status_code == 200
    foreign = client.get("/", headers={"Host": "evil.example.com"})
    assert foreign.status_code == 400
    assert csp_problems(foreign) == []
