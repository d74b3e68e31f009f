"""A password reset request does the same work in the request whether or not the address has an
account: one outbox row. Its job looks the account up, stores the token, records the audit event
and sends the link; a job that fails is logged by name and error type, without its data.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select
from support.factories import create_user
from support.http import csrf_token, text_of

from placement import jobs
from placement.extensions import db
from placement.jobs import embedded
from placement.models import AuditEvent, OutboxMessage, PasswordResetToken
from placement.services import accounts

KNOWN = "known.student@example.org"
UNKNOWN = "nobody.here@example.org"


def _count(model) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize(("email", "has_account"), [(KNOWN, True), (UNKNOWN, False)])
def test_a_reset_request_writes_one_row_and_its_job_does_the_lookup(
    app, client, outbox, email, has_account
):
    create_user("student", KNOWN)
    token = csrf_token(text_of(client.get("/forgot-password")))
    events_before = _count(AuditEvent)

    answer = client.post("/forgot-password", data={"email": email, "csrf_token": token})

    assert (answer.status_code, answer.headers["Location"]) == (302, "/forgot-password/sent")
    assert (_count(PasswordResetToken), _count(AuditEvent)) == (0, events_before)
    [request_row] = db.session.execute(select(OutboxMessage)).scalars()
    assert (request_row.kind, request_row.state) == ("password_reset", "waiting")
    assert embedded.drain(app) == 1
    assert _count(PasswordResetToken) == int(has_account)
    assert _count(AuditEvent) == events_before + int(has_account)
    assert [message.to for message in outbox] == ([[KNOWN]] if has_account else [])
    db.session.refresh(request_row)
    assert request_row.state == ("sent" if has_account else "dropped")
    assert request_row.context == {}  # the token and the asker's address are not kept
    if has_account:  # recorded by the job, with the address of the request it answered
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "password_reset_requested")
        ).scalar_one()
        assert event.ip_address == "127.0.0.1"
    else:
        assert request_row.recipient == ""  # an address with no account is forgotten


def test_a_job_that_raises_is_logged_by_name_and_error_type_only(app, client, caplog, monkeypatch):
    create_user("student", KNOWN)

    def broken(*args, **kwargs):
        raise RuntimeError(f"could not reset {KNOWN}")

    monkeypatch.setattr(accounts, "start_password_reset", broken)
    token = csrf_token(text_of(client.get("/forgot-password")))
    client.post("/forgot-password", data={"email": KNOWN, "csrf_token": token})
    caplog.set_level(logging.INFO)

    embedded.drain(app)

    failures = [r.getMessage() for r in caplog.records if r.name == jobs.__name__]
    assert failures == ["job deliver email failed: RuntimeError"]
    assert KNOWN not in caplog.text
