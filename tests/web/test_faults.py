"""The database unreachable: 503 pages with a plain explanation, and nothing half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from support.http import csrf_token, submit, text_of
from support.security import app_config

from placement import create_app
from placement.extensions import db
from placement.models import AuditEvent, StudentProfile, User

NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=1"
EXPLANATION = "cannot reach its database"


@pytest.fixture
def unreachable():
    app = create_app(app_config(NOWHERE))
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def test_the_health_check_says_the_database_is_unavailable(unreachable):
    response = unreachable.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}


def test_signing_in_answers_503_with_a_plain_explanation(unreachable):
    page = unreachable.get("/sign-in")
    assert page.status_code == 200
    response = unreachable.post(
        "/sign-in",
        data={
            "email": "someone@example.org",
            "password": "a long enough password",
            "csrf_token": csrf_token(text_of(page)),
        },
    )
    assert response.status_code == 503
    assert EXPLANATION in text_of(response)
    assert "Nothing you sent has been saved" in text_of(response)


def test_a_signed_in_page_answers_503_with_a_plain_explanation(unreachable):
    with unreachable.session_transaction() as session:
        session["_user_id"] = "1:a-session-token"
        session["_fresh"] = True
    response = unreachable.get("/student/")
    assert response.status_code == 503
    assert EXPLANATION in text_of(response)


def test_a_commit_that_fails_halfway_leaves_nothing_behind(app, client, monkeypatch, outbox):
    original = Session.commit
    failing = {"armed": True}

    def lose_the_connection(self: Session) -> None:
        if failing["armed"]:
            self.flush()  # the rows reached the database inside the transaction
            raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))
        original(self)

    page = client.get("/register/student")
    monkeypatch.setattr(Session, "commit", lose_the_connection)
    response = client.post(
        "/register/student",
        data={
            "email": "half.written@example.org",
            "password": "purple elephants dance quietly",
            "csrf_token": csrf_token(text_of(page)),
        },
    )
    failing["armed"] = False
    assert response.status_code == 503
    assert EXPLANATION in text_of(response)
    assert outbox == []
    for model in (User, StudentProfile, AuditEvent):
        assert db.session.execute(select(func.count()).select_from(model)).scalar_one() == 0

    again = submit(
        client,
        "/register/student",
        {"email": "half.written@example.org", "password": "purple elephants dance quietly"},
    )
    assert again.status_code == 302
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 1
