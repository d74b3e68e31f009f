"""The API's contract beyond its schema: tokens and scopes, consent, all-or-nothing invitations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from support.api import bearer, create_partner, expire, invitation, issue, sharing_student
from support.factories import PASSWORD, create_coordinator, create_student
from support.http import sign_in, submit
from support.security import audit_actions, changed_tables, dump

from placement.extensions import db
from placement.models import ApiToken, AuditEvent, StudentProfile, User
from placement.models._types import utcnow
from placement.services import sharing, universities

STUDENTS = "/api/v1/students"
INVITE = "/api/v1/students/invitations"


def ids_in(response) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["id"] for item in response.get_json()["items"]}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert {"type", "title", "status", "detail"} <= body.keys()
    return body


# --- tokens and scopes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "scope"),
    [
        ("POST", INVITE, "students:write"),
        ("GET", STUDENTS, "students:read"),
        ("GET", "/api/v1/placements", "outcomes:read"),
        ("GET", "/api/v1/skills/demand", "skills:read"),
    ],
)
def test_a_token_without_the_scope_a_route_needs_gets_403(app, client, method, url, scope):
    token, _row = issue(
        create_partner(), scopes=tuple(s for s in universities.API_SCOPES if s != scope)
    )
    before = dump()
    response = client.open(
        url,
        method=method,
        headers=bearer(token),
        json={"students": [invitation("a@example.ac.uk")]},
    )
    body = assert_problem(response, 403)
    assert scope in body["detail"]
    assert changed_tables(before, dump()) == []
    assert "api_scope_refused" in audit_actions()


def test_an_expired_token_gets_401_and_so_does_a_revoked_one(app, client):
    partner = create_partner()
    expired, expired_row = issue(partner)
    revoked, revoked_row = issue(partner)
    expire(expired_row)
    universities.revoke_token(db.session, revoked_row)
    db.session.commit()
    for token, reason in ((expired, "expired"), (revoked, "revoked")):
        response = client.get(STUDENTS, headers=bearer(token))
        body = assert_problem(response, 401)
        assert reason in body["detail"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    refusals = db.session.execute(
        select(AuditEvent.detail).where(AuditEvent.action == "api_token_refused")
    ).scalars()
    assert sorted(detail["reason"] for detail in refusals) == ["expired", "revoked"]


def test_a_token_is_refused_the_moment_it_is_revoked(app, client):
    token, row = issue(create_partner())
    assert client.get(STUDENTS, headers=bearer(token)).status_code == 200
    universities.revoke_token(db.session, row)
    db.session.commit()
    assert_problem(client.get(STUDENTS, headers=bearer(token)), 401)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-token",
        "Bearer dtp_000000000000_" + "A" * 43,
    ],
)
def test_a_missing_malformed_or_unknown_token_gets_401(app, client, header):
    issue(create_partner())
    assert_problem(client.get(STUDENTS, headers={"Authorization": header}), 401)


def test_the_right_key_with_a_wrong_secret_gets_401(app, client):
    token, _row = issue(create_partner())
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert_problem(client.get(STUDENTS, headers=bearer(forged)), 401)


def test_tokens_are_stored_only_as_a_hash_and_never_logged(app, client):
    token, row = issue(create_partner())
    client.get(STUDENTS, headers=bearer(token))
    everything = repr(dump()) + repr(db.session.execute(select(AuditEvent.detail)).all())
    _, _, secret = token.split("_", 2)  # dtp_<key id>_<secret>; the secret may hold "_"
    assert len(secret) == 43
    assert secret not in everything
    assert row.secret_sha256 != secret and len(row.secret_sha256) == 64


def test_a_token_cannot_last_more_than_a_year(app):
    partner = create_partner()
    with pytest.raises(universities.ValidationFailed):
        universities.issue_token(db.session, partner, "Too long", ["students:read"], 366)
    db.session.rollback()
    _token, row = issue(partner, days=365)
    assert row.expires_at - row.created_at == timedelta(days=365)


# --- cookies, sizes, errors --------------------------------------------------------------------


def test_a_request_carrying_a_cookie_is_refused_even_with_a_valid_token(app, client):
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    token, _row = issue(create_partner())
    before = dump()
    response = client.post(
        INVITE, headers=bearer(token), json={"students": [invitation("c@example.ac.uk")]}
    )
    assert_problem(response, 400)
    assert changed_tables(before, dump()) == []


def test_the_api_never_sets_a_cookie(app, client):
    token, _row = issue(create_partner())
    for url in (STUDENTS, "/api/v1/openapi.json", "/api/v1/missing"):
        assert "Set-Cookie" not in client.get(url, headers=bearer(token)).headers


def test_a_body_over_the_limit_gets_413_as_a_problem(app, client):
    token, _row = issue(create_partner())
    padding = "x" * (app.config["API_MAX_BODY_BYTES"] + 1)
    response = client.post(
        INVITE, headers=bearer(token), data=padding, content_type="application/json"
    )
    assert_problem(response, 413)


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/v1/nowhere", 404),
        ("DELETE", STUDENTS, 405),
        ("GET", STUDENTS + "?cursor=bm90LWEtY3Vyc29y", 400),
        ("GET", STUDENTS + "?limit=0", 422),
        ("GET", STUDENTS + "?stage=asleep", 422),
        ("POST", INVITE, 400),
    ],
)
def test_every_error_on_the_api_is_a_problem_document_not_a_page(app, client, method, url, status):
    token, _row = issue(create_partner())
    response = client.open(
        url, method=method, headers=bearer(token), data="{not json", content_type="application/json"
    )
    body = assert_problem(response, status)
    assert "<html" not in response.get_data(as_text=True).lower()
    if status == 422:
        assert body["errors"][0]["in"] == "query"


def test_too_many_requests_for_one_token_get_429_with_retry_after(tmp_path):
    from support.security import sqlite_app

    app = sqlite_app(tmp_path, API_RATE_LIMIT="3 per minute")
    with app.app_context():
        busy, _ = issue(create_partner("ucl"))
        other, _ = issue(create_partner("kcl"))
    client = app.test_client()
    answers = [client.get(STUDENTS, headers=bearer(busy)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get(STUDENTS, headers=bearer(busy))
    assert_problem(refused, 429)
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get(STUDENTS, headers=bearer(other)).status_code == 200


# --- consent and scope of what is seen ---------------------------------------------------------


def test_only_the_universitys_own_sharing_students_are_listed(app, client):
    token, _row = issue(create_partner("ucl"))
    shared = sharing_student("ucl")
    sharing_student("kcl")  # another university's, sharing with it
    create_student(university_id="ucl")  # never agreed
    assert ids_in(client.get(STUDENTS, headers=bearer(token))) == {shared.id}


def test_a_student_who_withdraws_consent_disappears_from_students_at_once(app, client):
    token, _row = issue(create_partner("ucl"))
    profile = sharing_student("ucl")
    assert ids_in(client.get(STUDENTS, headers=bearer(token))) == {profile.id}
    student = app.test_client()
    sign_in(student, profile.user.email, PASSWORD)
    answer = submit(student, "/student/sharing", {"shares": "no"})
    assert answer.status_code == 302
    assert ids_in(client.get(STUDENTS, headers=bearer(token))) == set()
    assert client.get("/api/v1/placements", headers=bearer(token)).get_json()["items"] == []
    assert "university_sharing_withdrawn" in audit_actions()


def test_sharing_is_off_until_the_student_turns_it_on_on_their_profile(app, client):
    profile = create_student(university_id="ucl")
    assert profile.shares_with_university is False
    sign_in(client, profile.user.email, PASSWORD)
    page = client.get("/student/sharing").get_data(as_text=True)
    assert "You are not sharing your progress with your university." in page
    assert "University College London" in page or "your university" in page
    assert submit(client, "/student/sharing", {"shares": "yes"}).status_code == 302
    db.session.refresh(profile)
    assert profile.shares_with_university is True
    refused = submit(client, "/student/sharing", {"shares": "maybe"})
    assert "Select yes or no" in refused.get_data(as_text=True)


# --- invitations -------------------------------------------------------------------------------


def test_an_invitation_batch_with_one_bad_row_writes_nothing_and_says_which_row(
    app, client, outbox
):
    token, _row = issue(create_partner("ucl"))
    rows = [invitation(f"new{n}@example.ac.uk") for n in range(5)]
    rows[3]["email"] = "not an address"
    before = dump()
    response = client.post(INVITE, headers=bearer(token), json={"students": rows})
    body = assert_problem(response, 422)
    assert [(error["row"], error["field"]) for error in body["errors"]] == [(3, "email")]
    assert body["errors"][0]["pointer"] == "/students/3/email"
    # The token's last-used time is the only change: no account, profile or link was written.
    assert changed_tables(before, dump()) == ["api_tokens"]
    assert outbox == []


def test_a_batch_with_a_repeated_email_is_refused_whole(app, client):
    token, _row = issue(create_partner("ucl"))
    rows = [invitation("same@example.ac.uk"), invitation("SAME@example.ac.uk")]
    body = assert_problem(client.post(INVITE, headers=bearer(token), json={"students": rows}), 422)
    assert body["errors"][0]["row"] == 1
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 0


def test_invited_students_get_the_csv_import_email_once_and_a_repeat_invites_no_one(
    app, client, outbox
):
    token, row = issue(create_partner("ucl"))
    rows = [invitation("ada@example.ac.uk"), invitation("grace@example.ac.uk", rqf_level=7)]
    first = client.post(INVITE, headers=bearer(token), json={"students": rows})
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json()["invited"] == 2
    assert [message.to for message in outbox] == [["ada@example.ac.uk"], ["grace@example.ac.uk"]]
    assert all("Complete your profile" in message.subject for message in outbox)
    assert all("/reset-password/" in message.body for message in outbox)
    again = client.post(INVITE, headers=bearer(token), json={"students": rows})
    assert again.get_json()["results"] == [
        {"row": 0, "email": "ada@example.ac.uk", "outcome": "already_registered"},
        {"row": 1, "email": "grace@example.ac.uk", "outcome": "already_registered"},
    ]
    assert len(outbox) == 2
    profiles = db.session.execute(select(StudentProfile)).scalars().all()
    assert {p.university_id for p in profiles} == {"ucl"}
    assert not any(p.shares_with_university for p in profiles)
    events = (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "api_students_invited"))
        .scalars()
        .all()
    )
    assert [(e.object_id, e.detail["created"]) for e in events] == [
        (str(row.id), 2),
        (str(row.id), 0),
    ]


def test_a_batch_of_more_than_1000_students_is_refused(app, client):
    token, _row = issue(create_partner("ucl"))
    rows = [invitation(f"s{n}@example.ac.uk") for n in range(1001)]
    body = assert_problem(client.post(INVITE, headers=bearer(token), json={"students": rows}), 422)
    assert body["errors"][0]["pointer"] == "/students"


def test_the_api_and_the_csv_import_invite_through_one_service_function():
    import inspect

    from placement.api import routes
    from placement.services import imports

    assert "imports.invite_students(" in inspect.getsource(routes.invite_students)
    assert "invite_students(" in inspect.getsource(imports.import_students)
    assert "imports.send_invitations(" in inspect.getsource(routes.invite_students)


# --- reads ---------------------------------------------------------------------------------------


def test_reads_send_an_etag_and_answer_if_none_match_with_304(app, client):
    token, _row = issue(create_partner("ucl"))
    sharing_student("ucl")
    first = client.get(STUDENTS, headers=bearer(token))
    etag = first.headers["ETag"]
    unchanged = client.get(STUDENTS, headers={**bearer(token), "If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    sharing_student("ucl")
    changed = client.get(STUDENTS, headers={**bearer(token), "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_the_token_records_when_it_was_last_used(app, client):
    token, row = issue(create_partner("ucl"))
    assert row.last_used_at is None
    client.get(STUDENTS, headers=bearer(token))
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at is not None


def test_a_withdrawn_consent_given_again_returns_the_student(app, client):
    token, _row = issue(create_partner("ucl"))
    profile = sharing_student("ucl")
    sharing.set_sharing(db.session, profile, False)
    db.session.commit()
    assert ids_in(client.get(STUDENTS, headers=bearer(token))) == set()
    sharing.set_sharing(db.session, profile, True)
    db.session.commit()
    since = (utcnow() - timedelta(minutes=1)).isoformat()
    response = client.get(STUDENTS, query_string={"updated_since": since}, headers=bearer(token))
    assert ids_in(response) == {profile.id}
