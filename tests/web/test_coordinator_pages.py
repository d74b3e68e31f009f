"""Coordinator pages: organisations, readiness, the audit log, invitations and access."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from support.factories import (
    PASSWORD,
    create_coordinator,
    create_organisation,
    create_role,
    create_student,
    create_user,
)
from support.http import sign_in, submit, text_of

from placement.extensions import db
from placement.models import AuditEvent, Invitation, Organisation

PAGES = [
    "/coordinator/organisations",
    "/coordinator/rounds",
    "/coordinator/rounds/new",
    "/coordinator/readiness",
    "/coordinator/offers",
    "/coordinator/placements",
    "/coordinator/audit",
    "/coordinator/audit.csv",
    "/coordinator/coordinators/invite",
]


@pytest.mark.parametrize("path", PAGES)
def test_only_coordinators_reach_coordinator_pages(client, path):
    assert client.get(path).status_code == 302
    create_user("student", "pupil@example.org")
    sign_in(client, "pupil@example.org", PASSWORD)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_every_coordinator_page_opens(client, path):
    create_coordinator("boss@example.org")
    sign_in(client, "boss@example.org", PASSWORD)
    assert client.get(path).status_code == 200


def test_organisations_waiting_come_first_and_verifying_publishes_and_emails(client, outbox):
    create_organisation("Old Verified Ltd")
    waiting, member = create_organisation("Waiting Ltd", verified=False)
    role = create_role(waiting, status="draft")
    role.publish_on_verification = True
    db.session.commit()
    create_coordinator("boss@example.org")
    sign_in(client, "boss@example.org", PASSWORD)
    listing = text_of(client.get("/coordinator/organisations"))
    assert listing.index("Waiting Ltd") < listing.index("Old Verified Ltd")
    url = f"/coordinator/organisations/{waiting.id}"
    response = submit(client, url + "/verify", page=url, follow=True)
    assert "Waiting Ltd is verified" in text_of(response)
    assert db.session.get(Organisation, waiting.id).status == "verified"
    assert role.status == "published"
    assert {message.to[0] for message in outbox} == {waiting.contact_email, member.email}


def test_refusing_needs_a_reason_and_sends_it_to_the_organisation(client, outbox):
    waiting, _ = create_organisation("Dubious Ltd", verified=False)
    create_coordinator("boss@example.org")
    sign_in(client, "boss@example.org", PASSWORD)
    url = f"/coordinator/organisations/{waiting.id}"
    assert "Enter a reason" in text_of(submit(client, url, {"reason": ""}))
    submit(client, url, {"reason": "Not based in London"})
    assert db.session.get(Organisation, waiting.id).status == "refused"
    assert outbox and "Not based in London" in outbox[0].body


def test_readiness_lists_who_is_not_ready_and_why(client):
    create_student(submitted=False, given_name="Drafty")
    pending, _ = create_organisation("Pending Ltd", verified=False)
    create_role(pending, title="Waiting role")
    create_coordinator("boss@example.org")
    sign_in(client, "boss@example.org", PASSWORD)
    page = text_of(client.get("/coordinator/readiness"))
    assert "Drafty" in page and "Profile not submitted" in page
    assert "Waiting role" in page and "not verified" in page


def test_the_audit_log_filters_pages_and_exports_but_cannot_be_edited(client):
    create_coordinator("boss@example.org")
    waiting, _ = create_organisation("Audited Ltd", verified=False)
    sign_in(client, "boss@example.org", PASSWORD)
    url = f"/coordinator/organisations/{waiting.id}"
    submit(client, url + "/verify", page=url)
    page = text_of(client.get("/coordinator/audit?action=organisation_verified"))
    assert "organisation_verified" in page and "1 event(s)" in page
    exported = client.get("/coordinator/audit.csv?action=organisation_verified")
    assert exported.mimetype == "text/csv" and "Organisation verified" in text_of(exported)
    assert client.get("/coordinator/audit?page=zz&actor=abc").status_code == 200
    assert client.post("/coordinator/audit").status_code in (400, 405)
    assert client.delete("/coordinator/audit").status_code == 405
    assert db.session.execute(select(AuditEvent)).scalars().first() is not None


def test_a_coordinator_invites_another_coordinator(client, outbox):
    create_coordinator("boss@example.org")
    sign_in(client, "boss@example.org", PASSWORD)
    url = "/coordinator/coordinators/invite"
    assert "Enter an email address" in text_of(submit(client, url, {"email": ""}))
    assert "already exists" in text_of(submit(client, url, {"email": "BOSS@example.org"}))
    response = submit(client, url, {"email": "New.Colleague@example.org"}, follow=True)
    assert "Invitation sent to new.colleague@example.org" in text_of(response)
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert invitation.role == "coordinator"
    assert "/invitation/" in outbox[0].body
