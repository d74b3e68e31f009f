"""Sessions: cookie flags, time-outs, renewal on sign-in, and every way a session ends."""

from __future__ import annotations

import time

from flask.testing import FlaskClient
from support.factories import PASSWORD, create_organisation, create_student, create_user
from support.http import csrf_token, sign_in, submit
from support.security import sqlite_app

from placement.extensions import db
from placement.services import accounts

NEW_PASSWORD = "a brand new and long passphrase"


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def copy_of(client: FlaskClient, app) -> FlaskClient:
    copied = app.test_client()
    copied.set_cookie("session", session_cookie(client))
    return copied


def is_signed_in_as_student(client: FlaskClient) -> bool:
    return client.get("/student/").status_code == 200


def test_the_session_cookie_is_secure_http_only_and_lax_outside_development(tmp_path):
    app = sqlite_app(tmp_path, SESSION_COOKIE_SECURE=True, HSTS=True)
    with app.app_context():
        email = create_user("student").email
    client = app.test_client()
    page = client.get("/sign-in", base_url="https://localhost")
    from support.http import csrf_token

    response = client.post(
        "/sign-in",
        base_url="https://localhost",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
        headers={"Referer": "https://localhost/sign-in"},
    )
    assert response.status_code == 302
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "samesite=lax"} <= flags


def test_a_new_session_starts_on_sign_in_and_the_old_cookie_stays_anonymous(app, client):
    user = create_student().user
    client.get("/sign-in")
    planted = session_cookie(client)  # what an attacker could have set in the victim's browser
    sign_in(client, user.email, PASSWORD)
    assert session_cookie(client) != planted
    attacker = app.test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/student/").status_code == 302
    assert is_signed_in_as_student(client)


def test_pages_opened_at_once_after_signing_in_share_one_csrf_secret(app, client):
    _organisation, member = create_organisation()
    sign_in(client, member.email, PASSWORD)
    after_sign_in = session_cookie(client)
    first_page = client.get("/organisation/members/invite").get_data(as_text=True)
    client.set_cookie("session", after_sign_in)  # the other tab's cookie arrives last
    client.get("/account/password")
    answer = client.post(
        "/organisation/members/invite",
        data={"email": "not an address", "csrf_token": csrf_token(first_page)},
    )
    assert answer.status_code == 200  # the form's own error, not the CSRF refusal (400)
    assert "Enter an email address in the correct format" in answer.get_data(as_text=True)


def test_an_idle_session_ends_after_the_idle_time_out(app, client):
    sign_in(client, create_student().user.email, PASSWORD)
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - idle + 60
    assert is_signed_in_as_student(client)
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - idle - 1
    response = client.get("/student/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_a_busy_session_still_ends_after_the_absolute_time_out(app, client):
    sign_in(client, create_student().user.email, PASSWORD)
    lifetime = int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())
    with client.session_transaction() as session:
        session["signed_in_at"] = int(time.time()) - lifetime - 1
        session["seen_at"] = int(time.time())
    assert not is_signed_in_as_student(client)


def test_signing_out_ends_a_copied_cookie_too(app, client):
    sign_in(client, create_student().user.email, PASSWORD)
    copied = copy_of(client, app)
    assert is_signed_in_as_student(copied)
    submit(client, "/sign-out", {})
    assert not is_signed_in_as_student(copied)
    assert not is_signed_in_as_student(client)


def test_changing_the_password_ends_every_other_session(app, client):
    user = create_student().user
    sign_in(client, user.email, PASSWORD)
    elsewhere = app.test_client()
    sign_in(elsewhere, user.email, PASSWORD)
    copied = copy_of(client, app)
    response = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert not is_signed_in_as_student(elsewhere)
    assert not is_signed_in_as_student(copied)
    assert is_signed_in_as_student(client)


def test_deactivating_an_account_ends_its_sessions(app, client):
    user = create_student().user
    sign_in(client, user.email, PASSWORD)
    copied = copy_of(client, app)
    accounts.deactivate(db.session, db.session.merge(user))
    db.session.commit()
    assert not is_signed_in_as_student(client)
    assert not is_signed_in_as_student(copied)
    refused = submit(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    assert refused.status_code == 200


def test_next_only_leads_to_pages_of_this_site(client):
    user = create_student().user
    for target, expected in [
        ("/student/", "/student/"),
        ("https://evil.example.com/", "/student/"),
        ("//evil.example.com/", "/student/"),
        ("/\\evil.example.com/", "/student/"),
        ("javascript:alert(1)", "/student/"),
        ("http:/evil.example.com", "/student/"),
        ("\t//evil.example.com", "/student/"),
    ]:
        response = submit(
            client,
            f"/sign-in?next={target}",
            {"email": user.email, "password": PASSWORD},
            page="/sign-in",
        )
        assert response.headers["Location"] == expected, target
        submit(client, "/sign-out", {})
