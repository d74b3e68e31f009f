"""Logs: security events are recorded with who, what and when; no secret ever reaches a log."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select
from support.factories import PASSWORD, create_student
from support.http import csrf_token, sign_in, submit, text_of
from support.security import forms_on

from placement.extensions import db
from placement.models import AuditEvent

FIRST_PASSWORD = "purple elephants dance quietly"
WRONG_PASSWORD = "green giraffes sing loudly"
NEW_PASSWORD = "orange otters paddle slowly"
LOGGERS = ("placement", "werkzeug", "alembic", "flask_limiter", "flask_wtf", "gunicorn")


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)  # root; SQL echo (sqlalchemy.engine) stays a debugging aid
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def _link(body: str) -> str:
    match = re.search(r"http://localhost(/\S+)", body)
    assert match, body
    return match.group(1)


def _all_text(records: list[logging.LogRecord]) -> str:
    parts = []
    for record in records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info and record.exc_info[1]:
            parts.append(repr(record.exc_info[1]))
    return "\n".join(parts)


def _answer_equality(client) -> list[str]:
    """Fill the equality form with the last option of each question; returns the answers."""
    page = client.get("/student/equality")
    if page.status_code != 200:
        return []
    form = next(form for form in forms_on("/student/equality", text_of(page)) if form.fields)
    answers = {name: options[-1] for name, options in form.fields.items() if options}
    submit(client, "/student/equality", answers)
    return [value for value in answers.values() if len(value) >= 4]


def test_a_whole_journey_leaves_no_secret_in_any_log(app, client, outbox, logs):
    submit(
        client, "/register/student", {"email": "journey@example.org", "password": FIRST_PASSWORD}
    )
    confirm_link = _link(outbox[-1].body)
    client.get(confirm_link)
    submit(client, "/sign-in", {"email": "journey@example.org", "password": WRONG_PASSWORD})
    sign_in(client, "journey@example.org", FIRST_PASSWORD)
    cookie = client.get_cookie("session").value
    equality = _answer_equality(client)
    client.get("/coordinator/")
    submit(client, "/sign-out", {})
    submit(client, "/forgot-password", {"email": "journey@example.org"})
    reset_link = _link(outbox[-1].body)
    submit(client, reset_link, {"password": NEW_PASSWORD})

    secrets = {
        "first password": FIRST_PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "new password": NEW_PASSWORD,
        "confirmation token": confirm_link.rsplit("/", 1)[-1],
        "reset token": reset_link.rsplit("/", 1)[-1],
        "session cookie": cookie,
    }
    secrets.update({f"equality answer {value}": value for value in equality})
    logged = _all_text(logs.records)
    audit = repr(db.session.execute(select(AuditEvent.detail)).scalars().all())
    assert logs.records, "the journey logged nothing at all"
    assert [name for name, secret in secrets.items() if secret in logged] == []
    assert [name for name, secret in secrets.items() if secret in audit] == []


def test_security_events_are_recorded_with_who_what_and_when(app, client, logs):
    student = create_student()
    email = student.user.email
    submit(client, "/sign-in", {"email": email, "password": WRONG_PASSWORD})
    sign_in(client, email, PASSWORD)
    client.get("/coordinator/")
    client.post("/sign-out", data={}, headers={"Referer": "http://localhost/sign-out"})
    submit(client, "/sign-out", {})
    page = client.get("/sign-in")
    for _ in range(11):
        client.post(
            "/sign-in",
            data={
                "email": email,
                "password": WRONG_PASSWORD,
                "csrf_token": csrf_token(text_of(page)),
            },
        )

    events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    actions = [event.action for event in events]
    for action in (
        "sign_in_failed",
        "signed_in",
        "access_refused",
        "csrf_refused",
        "signed_out",
        "rate_limited",
    ):
        assert action in actions, f"no {action} event in {actions}"
    by_action = {event.action: event for event in events}
    assert by_action["signed_in"].actor_id == student.user.id
    assert by_action["access_refused"].actor_id == student.user.id
    assert by_action["access_refused"].detail == {"path": "/coordinator/"}
    assert all(event.at is not None and event.ip_address for event in events)
    logged = {record.getMessage().split(" ")[0] for record in logs.records}
    assert {"signed_in", "access_refused", "csrf_refused", "rate_limited"} <= logged
