"""The coordinator's university partner pages: partners, contacts, tokens shown once, revoking."""

from __future__ import annotations

import re

from sqlalchemy import select
from support.api import bearer, create_partner, issue
from support.factories import PASSWORD, create_coordinator
from support.http import sign_in, submit, text_of
from support.security import audit_actions

from placement.extensions import db
from placement.models import ApiToken, UniversityContact, UniversityPartner

TOKEN = re.compile(r'id="token-value">(dtp_[^<]+)</code>')


def coordinator_client(app):
    client = app.test_client()
    sign_in(client, create_coordinator().email, PASSWORD)
    return client


def test_a_coordinator_adds_a_university_partner_from_the_list(app):
    client = coordinator_client(app)
    answer = submit(client, "/coordinator/universities", {"university": "ucl"})
    partner = db.session.execute(select(UniversityPartner)).scalar_one()
    assert answer.headers["Location"].endswith(f"/coordinator/universities/{partner.id}")
    listing = text_of(client.get("/coordinator/universities"))
    assert "University College London" in listing
    again = submit(client, "/coordinator/universities", {"university": "ucl"})
    assert "That university is already a partner" in text_of(again)
    unknown = submit(client, "/coordinator/universities", {"university": "hogwarts"})
    assert "Select a university from the list" in text_of(unknown)
    assert "university_partner_added" in audit_actions()


def test_contacts_are_named_added_and_removed(app):
    partner = create_partner()
    client = coordinator_client(app)
    page = f"/coordinator/universities/{partner.id}"
    added = submit(
        client,
        f"{page}/contacts",
        {
            "contact_name": "Pat Placement",
            "contact_email": "Pat@Example.ac.uk",
            "job_title": "Head of careers",
        },
        page=page,
    )
    assert added.status_code == 302
    contact = db.session.execute(select(UniversityContact)).scalar_one()
    assert (contact.name, contact.email) == ("Pat Placement", "pat@example.ac.uk")
    assert "Pat Placement" in text_of(client.get(page))
    wrong = submit(
        client, f"{page}/contacts", {"contact_name": "", "contact_email": "nope"}, page=page
    )
    body = text_of(wrong)
    assert "Enter the contact&#39;s full name" in body or "Enter the contact's full name" in body
    assert 'value="nope"' in body
    removed = submit(client, f"{page}/contacts/{contact.id}/remove", page=page)
    assert removed.status_code == 302
    assert db.session.execute(select(UniversityContact)).first() is None


def test_a_token_is_shown_once_stored_as_a_hash_and_works_until_revoked(app):
    partner = create_partner()
    client = coordinator_client(app)
    page = f"/coordinator/universities/{partner.id}"
    issued = submit(
        client,
        f"{page}/tokens",
        {
            "token_name": "Records system",
            "scopes": ["students:read", "skills:read"],
            "days": "365",
        },
        page=page,
    )
    assert issued.status_code == 200
    token = TOKEN.search(text_of(issued)).group(1)
    assert issued.headers["Cache-Control"] == "no-store"
    later = text_of(client.get(page))
    assert token not in later and "Records system" in later
    row = db.session.execute(select(ApiToken)).scalar_one()
    assert row.scopes == ["students:read", "skills:read"]
    assert token.rsplit("_", 1)[1] not in row.secret_sha256
    api = app.test_client()
    assert api.get("/api/v1/students", headers=bearer(token)).status_code == 200
    revoked = submit(client, f"{page}/tokens/{row.id}/revoke", page=page)
    assert revoked.status_code == 302
    assert api.get("/api/v1/students", headers=bearer(token)).status_code == 401
    events = text_of(client.get(page))
    assert "Api token issued" in events and "Api token revoked" in events
    assert "Api token refused (revoked)" in events


def test_a_token_needs_a_name_a_scope_and_a_lifetime_of_at_most_a_year(app):
    partner = create_partner()
    client = coordinator_client(app)
    page = f"/coordinator/universities/{partner.id}"
    refused = submit(client, f"{page}/tokens", {"token_name": "", "days": "400"}, page=page)
    body = text_of(refused)
    assert "Enter a name for the token" in body
    assert "Select what the token may do" in body
    assert "Select how long the token should last" in body
    assert db.session.execute(select(ApiToken)).first() is None


def test_another_partners_token_or_contact_is_not_found_here(app):
    mine, theirs = create_partner("ucl"), create_partner("kcl")
    _token, their_token = issue(theirs)
    client = coordinator_client(app)
    page = f"/coordinator/universities/{mine.id}"
    answer = submit(client, f"{page}/tokens/{their_token.id}/revoke", page=page)
    assert answer.status_code == 404
    db.session.refresh(their_token)
    assert their_token.revoked_at is None


def test_the_coordinator_navigation_links_to_the_university_partners(app):
    client = coordinator_client(app)
    assert 'href="/coordinator/universities"' in text_of(client.get("/coordinator/"))


def test_the_documentation_page_is_rendered_from_the_openapi_description(app, client):
    page = text_of(client.get("/developers/api"))
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    for path, methods in spec["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in page
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert "<script" not in page.split("</header>", 1)[1].split("<footer", 1)[0]
    elsewhere = r'<(?:script|img|link|iframe)[^>]*(?:src|href)="(?:https?:)?//'
    fetched_elsewhere = re.findall(elsewhere, page)
    assert fetched_elsewhere == []
