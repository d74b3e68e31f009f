"""Readiness decided in SQL agrees with its Python definition on varied students.

The readiness page counts and pages the students not ready in SQL; ``ready_students`` and
``missing_for_matching`` (Python) are the definition it must keep.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import Text, case, cast, func, select
from support.factories import create_organisation, create_role, create_student

from placement.extensions import db
from placement.models import MatchingRound, Offer, PlacementRole, Proposal, StudentProfile
from placement.models._types import utcnow
from placement.services import rounds, snapshot

# Each field's values, the one that counts towards "ready" first.
FIELDS = {
    "status": ["submitted", "draft", "withdrawn"],
    "rqf_level": [6, 7, None, 5],
    "skills": [{"python": 3}, {}],
    "available_from": [date(2027, 6, 1), None],
    "hours_per_week": [35, None],
    "work_modes": [["remote"], ["on-site", "hybrid", "remote"], [], None],
    "right_to_work": [True, None, False],
}
# What a student's one proposal (in one round) and its offer may be.
OUTCOMES = [None, None, ("proposed", None), ("approved", None), ("offered", "pending")]
OUTCOMES += [("offered", "accepted"), ("closed", "declined"), ("rejected", None)]


def _choices(seed: int, count: int) -> list[tuple[dict[str, object], object]]:
    """Each student's fields and outcome: first every way to miss exactly one thing (and every
    outcome for a complete profile), then random students missing anything, most little."""
    ready = {name: values[0] for name, values in FIELDS.items()}
    chosen: list[tuple[dict[str, object], object]] = [
        ({**ready, name: value}, None) for name, values in FIELDS.items() for value in values[1:]
    ]
    chosen += [(ready, outcome) for outcome in OUTCOMES]
    chooser = random.Random(seed)
    while len(chosen) < count:
        fields = {
            name: values[0] if chooser.random() < 0.75 else chooser.choice(values[1:])
            for name, values in FIELDS.items()
        }
        chosen.append((fields, chooser.choice(OUTCOMES)))
    return chosen


def _varied_students(seed: int, count: int) -> list[StudentProfile]:
    organisation, _ = create_organisation()
    role = create_role(organisation)
    matching_round = MatchingRound(name="Earlier round", status="completed")
    db.session.add(matching_round)
    profiles = []
    for chosen, outcome in _choices(seed, count):
        fields = dict(chosen)
        status = fields.pop("status")
        profile = create_student(submitted=status == "submitted", **fields)
        if status == "withdrawn":
            profile.status = "withdrawn"
        if outcome is not None:
            proposal_status, offer_status = outcome
            proposal = Proposal(
                round=matching_round,
                student_id=profile.id,
                role_id=role.id,
                score=0.5,
                status=proposal_status,
            )
            db.session.add(proposal)
            if offer_status is not None:
                db.session.add(
                    Offer(
                        proposal=proposal,
                        student_id=profile.id,
                        role_id=role.id,
                        status=offer_status,
                        deadline=utcnow() + timedelta(days=7),
                    )
                )
        profiles.append(profile)
    db.session.commit()
    return profiles


def _python_readiness() -> tuple[set[int], list[tuple[int, str]]]:
    """The students ready and those not ready with why, as the page decided them in Python."""
    held = set(db.session.scalars(select(Proposal.student_id).where(Proposal.status == "approved")))
    live = set(
        db.session.scalars(
            select(Offer.student_id).where(Offer.status.in_(("pending", "accepted")))
        )
    )
    ready = {profile.id for profile in snapshot.ready_students(db.session)} - held
    everyone = db.session.scalars(select(StudentProfile).order_by(StudentProfile.id)).all()
    not_ready = [
        (profile.id, rounds._student_problem(profile, live, held))
        for profile in everyone
        if profile.id not in ready
    ]
    return ready, not_ready


def test_complete_for_matching_in_sql_says_what_missing_for_matching_says_of_each_student(app):
    profiles = _varied_students(seed=3, count=80)
    in_sql = dict(
        db.session.execute(
            select(
                StudentProfile.id,
                case((snapshot.complete_for_matching(), True), else_=False),
            )
        ).all()
    )
    in_python = {profile.id: not snapshot.missing_for_matching(profile) for profile in profiles}
    assert in_sql == in_python
    assert 0 < sum(in_python.values()) < len(profiles)
    stored = func.count(cast(StudentProfile.work_modes, Text).distinct())
    assert db.session.scalar(select(stored)) == 4  # JSON null and [] among them


def test_the_ready_condition_in_sql_gives_the_students_ready_students_gives(app):
    _varied_students(seed=5, count=80)
    in_sql = set(db.session.scalars(select(StudentProfile.id).where(snapshot.ready_where())))
    in_python = {profile.id for profile in snapshot.ready_students(db.session)}
    assert in_sql == in_python and in_python


def test_readiness_counts_and_pages_the_students_not_ready_as_the_python_definition_does(app):
    _varied_students(seed=7, count=130)
    ready, not_ready = _python_readiness()
    first = rounds.readiness(db.session)
    assert first.students_ready_count == len(ready) > 0
    assert first.students_not_ready_count == len(not_ready) > 2 * rounds.NOT_READY_PAGE
    listed, page = [], first
    while True:
        listed += [(row.id, why) for row, why in page.students_not_ready]
        if page.next_after is None:
            break
        page = rounds.readiness(db.session, after=page.next_after)
    assert listed == not_ready
    reasons = {why.split(":")[0] for _, why in not_ready}
    assert {"Holds an offer or a placement", "Profile not submitted"} <= reasons
    assert any(why.startswith("Already approved") for _, why in not_ready)


def test_readiness_counts_the_roles_ready_and_lists_the_others_as_the_ready_roles_query_does(app):
    organisations = [create_organisation()[0], create_organisation(verified=False)[0]]
    for organisation in organisations:
        for status in ("draft", "published", "closed"):
            for places, taken in ((1, 0), (3, 1), (2, 2)):
                create_role(organisation, status=status, places=places, places_taken=taken)
    ready = snapshot.ready_roles(db.session)
    found = rounds.readiness(db.session)
    assert found.roles_ready_count == len(ready) == 2
    assert found.places_ready == sum(role.places - role.places_taken for role in ready) == 3
    everyone = db.session.scalars(select(PlacementRole).order_by(PlacementRole.id)).all()
    others = [role.id for role in everyone if role.status != "closed" and role not in ready]
    assert [role.id for role, _ in found.roles_not_ready] == others
    assert found.roles_not_ready_count == len(others)
    assert {why for _, why in found.roles_not_ready} == {
        "Role is draft",
        "No places left",
        "Organisation pending, not verified",
    }
