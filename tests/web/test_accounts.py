"""Registering, confirming, signing in and out, and resetting a password through the pages."""

from __future__ import annotations

import re

from sqlalchemy import select
from support.factories import PASSWORD, create_student, create_user
from support.http import sign_in, submit, text_of

from placement.extensions import db
from placement.models import Organisation, User

GOOD_PASSWORD = "purple elephants dance quietly"


def _link(message_body: str) -> str:
    match = re.search(r"http://localhost(/\S+)", message_body)
    assert match, message_body
    return match.group(1)


def test_a_student_registers_confirms_their_email_and_signs_in(client, outbox):
    response = submit(
        client, "/register/student", {"email": "New.Student@Example.org", "password": GOOD_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/check-your-email")
    assert len(outbox) == 1 and outbox[0].to == ["new.student@example.org"]

    refused = submit(
        client, "/sign-in", {"email": "new.student@example.org", "password": GOOD_PASSWORD}
    )
    assert "Confirm your email address first" in text_of(refused)

    assert client.get(_link(outbox[0].body)).status_code == 200
    signed_in = submit(
        client, "/sign-in", {"email": "NEW.student@example.org", "password": GOOD_PASSWORD}
    )
    assert signed_in.headers["Location"].endswith("/student/")


def test_registering_with_an_email_in_use_looks_the_same_and_warns_the_owner(client, outbox):
    create_user("student", "taken@example.org")
    response = submit(
        client, "/register/student", {"email": "TAKEN@example.org", "password": GOOD_PASSWORD}
    )
    assert response.headers["Location"].endswith("/register/check-your-email")
    assert outbox[0].subject.startswith("You already have an account")
    assert db.session.execute(select(User).where(User.email == "taken@example.org")).scalars().one()


def test_a_short_or_common_password_is_refused_and_the_email_is_kept(client):
    response = submit(
        client, "/register/student", {"email": "kept@example.org", "password": "password1234"}
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "too easy to guess" in page
    assert 'value="kept@example.org"' in page
    assert "password1234" not in page
    short = submit(client, "/register/student", {"email": "kept@example.org", "password": "short"})
    assert "12 characters or more" in text_of(short)


def test_an_organisation_registers_with_its_first_member(client, outbox):
    response = submit(
        client,
        "/register/organisation",
        {
            "name": "Tiny Data Ltd",
            "companies_house_number": "sc 123456",
            "headcount": "8",
            "is_startup": "yes",
            "sector": "fintech",
            "borough": "camden",
            "address": "2 Example Road, London NW1 1AA",
            "contact_name": "Grace Hopper",
            "contact_phone": "020 7946 0000",
            "email": "grace@tinydata.example.com",
            "password": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    organisation = db.session.execute(select(Organisation)).scalar_one()
    assert organisation.companies_house_number == "SC123456"
    assert organisation.status == "pending"
    assert organisation.members[0].user.email == "grace@tinydata.example.com"


def test_a_badly_formed_companies_house_number_is_explained(client):
    response = submit(client, "/register/organisation", {"companies_house_number": "12AB"})
    page = text_of(response)
    assert "Enter a Companies House number in the correct format" in page
    assert "There is a problem" in page
    assert 'value="12AB"' in page.replace("12AB".upper(), "12AB")


def test_a_wrong_password_gets_one_message_for_known_and_unknown_accounts(client):
    create_user("student", "known@example.org")
    known = text_of(
        submit(
            client, "/sign-in", {"email": "known@example.org", "password": "wrong password here"}
        )
    )
    unknown = text_of(
        submit(
            client, "/sign-in", {"email": "nobody@example.org", "password": "wrong password here"}
        )
    )
    message = "Enter a correct email address and password"
    assert message in known and message in unknown


def test_signing_out_ends_every_session_including_copied_cookies(app, client):
    profile = create_student("leaving@example.org")
    sign_in(client, profile.user.email, PASSWORD)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/student/").status_code == 200
    submit(client, "/sign-out", {})
    assert copy.get("/student/").status_code == 302


def test_a_password_reset_link_works_once(client, outbox):
    create_user("student", "forgetful@example.org")
    submit(client, "/forgot-password", {"email": "forgetful@example.org"})
    link = _link(outbox[0].body)
    new_password = "a brand new memorable phrase"
    done = submit(client, link, {"password": new_password})
    assert "Your password has been changed" in text_of(done)
    again = client.get(link)
    assert again.status_code == 400
    assert "expired or has already been used" in text_of(again)
    sign_in(client, "forgetful@example.org", new_password)


def test_asking_to_reset_an_unknown_account_looks_the_same_and_sends_nothing(client, outbox):
    response = submit(client, "/forgot-password", {"email": "ghost@example.org"})
    assert response.headers["Location"].endswith("/forgot-password/sent")
    assert outbox == []


def test_next_only_redirects_within_the_site(client):
    create_user("student", "next@example.org")
    for target, expected in [
        ("/student/roles", "/student/roles"),
        ("https://evil.example.com/", "/student/"),
        ("//evil.example.com/", "/student/"),
    ]:
        client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None
        response = submit(
            client,
            f"/sign-in?next={target}",
            {"email": "next@example.org", "password": PASSWORD},
            page="/sign-in",
        )
        assert response.headers["Location"] == expected
        submit(client, "/sign-out", {})


def test_each_area_refuses_the_other_roles(client):
    create_user("organisation", "org@example.org")
    sign_in(client, "org@example.org", PASSWORD)
    assert client.get("/student/").status_code == 403
    assert client.get("/coordinator/").status_code == 403


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
