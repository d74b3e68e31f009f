"""Equality answers kept apart from matching, the data download, and erasure or anonymisation."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from support.factories import (
    PASSWORD,
    create_organisation,
    create_role,
    create_student,
)
from support.http import sign_in, submit, text_of

from placement.errors import ValidationFailed
from placement.extensions import db
from placement.models import (
    AuditEvent,
    EqualityMonitoring,
    Feedback,
    MatchingRound,
    Offer,
    OutboxMessage,
    Placement,
    PlacementRole,
    Proposal,
    StudentPreference,
    StudentProfile,
    User,
)
from placement.models._types import utcnow
from placement.services import mail, personal_data, snapshot, student_roles, students

ANSWERS = {
    "gender": "non-binary",
    "age_band": "16-24",
    "ethnicity": "mixed",
    "disability": "prefer-not-to-say",
    "first_in_family": "yes",
    "free_school_meals": "yes",
}


def _offer(profile: StudentProfile, role: PlacementRole, status: str = "pending") -> Offer:
    matching_round = MatchingRound(name="Summer round", status="completed")
    proposal = Proposal(
        round=matching_round,
        student_id=profile.id,
        role_id=role.id,
        score=0.8,
        status="offered",
        reasons=["Skills matched: python (level 3, asked 2)"],
    )
    offer = Offer(
        proposal=proposal,
        student_id=profile.id,
        role_id=role.id,
        status=status,
        deadline=utcnow() + timedelta(days=7),
    )
    db.session.add_all([matching_round, proposal, offer])
    db.session.commit()
    return offer


def _placement(profile: StudentProfile, role: PlacementRole, status: str) -> Placement:
    offer = _offer(profile, role, "accepted")
    placement = Placement(offer=offer, student_id=profile.id, role_id=role.id, status=status)
    placement.feedback = [Feedback(given_by="organisation", rating=5, comment="Great work")]
    db.session.add(placement)
    db.session.commit()
    return placement


def test_equality_answers_are_stored_exactly_as_reporting_counts_them(app):
    profile = create_student()
    students.save_equality(db.session, profile.user, ANSWERS)
    db.session.commit()
    row = db.session.execute(select(EqualityMonitoring)).scalar_one()
    assert {field: getattr(row, field) for field in ANSWERS} == ANSWERS
    assert all("prefer-not-to-say" in values for values in students.EQUALITY_ANSWERS.values())
    events = db.session.execute(select(AuditEvent)).scalars().all()
    assert not any(set(ANSWERS.values()) & set(map(str, event.detail.values())) for event in events)


def test_an_equality_answer_outside_the_list_is_refused(app):
    profile = create_student()
    with pytest.raises(ValidationFailed) as refused:
        students.save_equality(db.session, profile.user, {**ANSWERS, "gender": "female"})
    assert refused.value.problems == [("gender", "Select an answer from the list")]


def test_equality_data_never_reaches_a_round_snapshot(app):
    profiles = [create_student() for _ in range(2)]
    for profile in profiles:
        students.save_equality(db.session, profile.user, ANSWERS)
    students.save_equality(
        db.session,
        profiles[1].user,
        {**ANSWERS, "gender": "woman", "ethnicity": "black", "age_band": "25-29"},
    )
    organisation, _ = create_organisation()
    role = create_role(organisation)
    db.session.commit()
    built = snapshot.build_snapshot(
        db.session, snapshot.ready_students(db.session), snapshot.ready_roles(db.session)
    )
    assert len(built["students"]) == 2 and built["roles"][0]["id"] == f"role-{role.id}"
    text = json.dumps(built)
    for key in students.EQUALITY_ANSWERS:
        assert key not in text
    for value in ("non-binary", "woman", "16-24", "25-29", "mixed", "black", "prefer-not-to-say"):
        assert f'"{value}"' not in text
    assert all(set(entry) >= {"rqf_level", "skills"} for entry in built["students"])


def test_equality_answers_never_appear_on_an_organisation_page(app, client):
    profile = create_student()
    students.save_equality(db.session, profile.user, ANSWERS)
    organisation, member = create_organisation()
    role = create_role(organisation)
    student_roles.add_choice(db.session, profile, role)
    db.session.commit()
    sign_in(client, member.email, PASSWORD)
    page = text_of(client.get("/organisation/"))
    for label in ("Non-binary", "Mixed or multiple ethnic groups", "16 to 24"):
        assert label not in page


def test_the_download_has_everything_about_the_student_and_no_secrets(app):
    profile = create_student()
    organisation, _ = create_organisation("Tiny Data Ltd")
    role = create_role(organisation, title="Data intern")
    student_roles.add_choice(db.session, profile, role)
    students.save_equality(db.session, profile.user, ANSWERS)
    _placement(profile, role, "confirmed")
    data = personal_data.export(db.session, profile.user)
    db.session.commit()
    assert data["account"]["email"] == profile.user.email
    assert data["profile"]["given_name"] == "Ada"
    assert {"skill": "Python", "skill_id": "python", "level": 3} in data["profile"]["skills"]
    assert data["profile"]["choices"] == [
        {"rank": 1, "id": role.id, "title": "Data intern", "organisation": "Tiny Data Ltd"}
    ]
    assert data["equality_monitoring"] == ANSWERS
    assert data["profile"]["shares_progress_with_university"] is False
    assert data["proposals"][0]["round"] == "Summer round"
    assert data["offers"][0]["status"] == "accepted"
    assert data["placements"][0]["feedback"][0]["comment"] == "Great work"
    text = json.dumps(data)
    assert "argon2" not in text and profile.user.session_token not in text
    assert "password" not in text
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert "personal_data_exported" in actions


def _count(model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_erasure_without_a_confirmed_placement_deletes_the_account_and_its_rows(app):
    profile = create_student()
    other = create_student()
    organisation, _ = create_organisation()
    role = create_role(organisation, places=2)
    student_roles.add_choice(db.session, profile, role)
    students.save_equality(db.session, profile.user, ANSWERS)
    _offer(profile, role, "pending")
    role.places_taken = 1
    db.session.commit()
    user_id = profile.user.id

    assert personal_data.erase(db.session, profile.user) == personal_data.ERASED
    db.session.commit()
    assert db.session.get(User, user_id) is None
    for model in (StudentProfile, Offer, Proposal, EqualityMonitoring, StudentPreference):
        remaining = db.session.execute(select(model)).scalars().all()
        assert all(getattr(row, "student_id", None) != profile.id for row in remaining)
    assert _count(EqualityMonitoring) == 0
    assert db.session.get(PlacementRole, role.id).places_taken == 0
    assert db.session.get(User, other.user.id) is not None
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "account_erased")
    ).scalar_one()
    assert event.object_id == str(user_id) and "@" not in json.dumps(event.detail)


def test_erasure_with_a_confirmed_placement_anonymises_and_keeps_the_placement(app):
    profile = create_student(phone="07700 900982")
    organisation, _ = create_organisation()
    role = create_role(organisation)
    student_roles.add_choice(db.session, profile, role)
    students.save_equality(db.session, profile.user, ANSWERS)
    placement = _placement(profile, role, "confirmed")
    user = profile.user

    assert personal_data.erase(db.session, user) == personal_data.ANONYMISED
    db.session.commit()
    assert user.email == f"erased-{user.id}@invalid.example"
    assert user.password_hash is None and not user.active
    assert (profile.given_name, profile.family_name, profile.phone) == (None, None, None)
    assert profile.status == "withdrawn"
    assert _count(EqualityMonitoring) == 0 and _count(StudentPreference) == 0
    assert db.session.get(Placement, placement.id).status == "confirmed"
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "account_anonymised")
    ).scalar_one()


def test_a_withdrawn_placement_does_not_stop_erasure(app):
    profile = create_student()
    organisation, _ = create_organisation()
    _placement(profile, create_role(organisation), "withdrawn")
    assert personal_data.erase(db.session, profile.user) == personal_data.ERASED
    db.session.commit()
    assert _count(Placement) == 0 and _count(Feedback) == 0


def test_deleting_the_account_through_the_pages_signs_the_student_out(app, client):
    email = create_student().user.email
    sign_in(client, email, PASSWORD)
    page = text_of(client.get("/student/personal-data/delete"))
    assert "Are you sure you want to delete your account?" in page
    response = submit(client, "/student/personal-data/delete", {})
    assert response.status_code == 200
    assert "Your account has been deleted" in text_of(response)
    assert "You have been signed out" in text_of(response)
    assert client.get("/student/").status_code == 302
    refused = submit(client, "/sign-in", {"email": email, "password": PASSWORD})
    assert refused.status_code == 200


def test_anonymising_through_the_pages_says_that_the_placement_is_kept(app, client):
    profile = create_student()
    organisation, _ = create_organisation()
    _placement(profile, create_role(organisation), "started")
    sign_in(client, profile.user.email, PASSWORD)
    assert "We must keep a record of it" in text_of(client.get("/student/personal-data"))
    response = submit(client, "/student/personal-data/delete", {})
    assert "kept a record of the placement without your name" in text_of(response)


def test_the_download_is_a_json_attachment(app, client):
    profile = create_student()
    sign_in(client, profile.user.email, PASSWORD)
    response = client.get("/student/personal-data/download")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_json()["account"]["email"] == profile.user.email


def test_erasure_also_deletes_the_emails_kept_for_the_student(app):
    profile = create_student()
    other = create_student()
    for person in (profile, other):
        mail.send(db.session, person.user.email, "Hello", "confirm", link="http://localhost/x")
    db.session.commit()

    personal_data.erase(db.session, profile.user)
    db.session.commit()

    kept = db.session.execute(select(OutboxMessage.recipient)).scalars().all()
    assert kept == [other.user.email]
