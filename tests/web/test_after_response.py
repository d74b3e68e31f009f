"""Work after the answer: a password reset request does the same work in the request whether or
not the address has an account; what differs (the token, the audit event, the email) happens once
the response has gone, and a task that fails there is logged without what it was about.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select
from support.factories import create_user
from support.http import csrf_token, text_of

from placement import after_response
from placement.extensions import db
from placement.models import AuditEvent, PasswordResetToken

KNOWN = "known.student@example.org"
UNKNOWN = "nobody.here@example.org"


def _count(model) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize(("email", "has_account"), [(KNOWN, True), (UNKNOWN, False)])
def test_a_reset_request_is_answered_before_anything_is_looked_up_or_written(
    client, outbox, email, has_account
):
    create_user("student", KNOWN)
    token = csrf_token(text_of(client.get("/forgot-password")))
    events_before = _count(AuditEvent)

    # Not buffered: the answer is in hand while the server has not yet closed the response.
    answer = client.post(
        "/forgot-password", data={"email": email, "csrf_token": token}, buffered=False
    )

    assert (answer.status_code, answer.headers["Location"]) == (302, "/forgot-password/sent")
    assert (_count(PasswordResetToken), _count(AuditEvent), len(outbox)) == (0, events_before, 0)
    answer.close()
    assert _count(PasswordResetToken) == int(has_account)
    assert _count(AuditEvent) == events_before + int(has_account)
    assert [message.to for message in outbox] == ([[KNOWN]] if has_account else [])
    if has_account:  # recorded after the answer, with the address of the request it answered
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "password_reset_requested")
        ).scalar_one()
        assert event.ip_address == "127.0.0.1"


def test_a_task_that_fails_after_the_response_is_logged_by_name_and_the_rest_still_run(
    app, client, caplog
):
    ran: list[str] = []

    def page() -> str:
        after_response.defer(lambda: 1 / 0, "dividing by zero")
        after_response.defer(lambda: ran.append("second"), "the second task")
        return "done"

    app.add_url_rule("/test/two-tasks", view_func=page)
    caplog.set_level(logging.INFO)

    assert client.get("/test/two-tasks").status_code == 200

    assert ran == ["second"]
    failures = [r.getMessage() for r in caplog.records if r.name == after_response.__name__]
    assert failures == ["dividing by zero failed after the response: ZeroDivisionError"]
