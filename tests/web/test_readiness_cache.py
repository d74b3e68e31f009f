"""The readiness counts are counted once per data version, and every change they count makes a new
version: the figures shown are always those a fresh count gives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support.factories import (
    PASSWORD,
    create_coordinator,
    create_organisation,
    create_role,
    create_student,
)
from support.http import sign_in, text_of

from placement.extensions import db
from placement.models import MatchingRound, Offer, Proposal
from placement.models._types import utcnow
from placement.services import roles, rounds, verification


@pytest.fixture(autouse=True)
def empty_cache():
    rounds.clear_readiness()
    yield
    rounds.clear_readiness()


def _programme() -> dict[str, object]:
    organisation, _ = create_organisation()
    waiting, _ = create_organisation(verified=False)
    role = create_role(organisation, places=3)
    other = create_role(organisation, places=1)
    create_role(waiting, places=2)
    ready = [create_student() for _ in range(4)]
    draft = create_student(submitted=False)
    matching_round = MatchingRound(name="Earlier round", status="completed")
    db.session.add(matching_round)
    db.session.flush()
    held = create_student()
    proposal, offered = (
        Proposal(round_id=matching_round.id, student_id=student.id, role_id=role.id, score=0.5)
        for student in (ready[0], held)
    )
    offered.status = "offered"
    db.session.add_all([proposal, offered])
    db.session.flush()
    offer = Offer(
        proposal_id=offered.id,
        student_id=held.id,
        role_id=role.id,
        status="pending",
        deadline=utcnow() + timedelta(days=7),
    )
    db.session.add(offer)
    db.session.commit()
    return {
        "waiting": waiting,
        "role": role,
        "other": other,
        "ready": ready,
        "draft": draft,
        "proposal": proposal,
        "offer": offer,
    }


def _counts() -> tuple[int, ...]:
    found = rounds.readiness(db.session)
    return (
        found.students_ready_count,
        found.students_not_ready_count,
        found.roles_ready_count,
        found.places_ready,
        found.roles_not_ready_count,
        found.organisations_not_verified_count,
    )


def _fresh() -> tuple[int, ...]:
    rounds.clear_readiness()
    return _counts()


def test_looking_at_readiness_again_reuses_the_counts_while_nothing_changes(app, client):
    _programme()
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)

    first = text_of(client.get("/coordinator/readiness"))
    text_of(client.get("/coordinator/rounds/new"))

    assert "<li>4 students ready</li>" in first
    assert "<li>2 roles ready, with 4 places</li>" in first
    assert rounds._counts.builds == 1
    assert _counts() == _fresh()


def _draft_submitted(programme) -> None:
    programme["draft"].status = "submitted"


def _student_withdrawn(programme) -> None:
    programme["ready"][1].status = "withdrawn"


def _proposal_approved(programme) -> None:
    programme["proposal"].status = "approved"


def _offer_declined(programme) -> None:
    programme["offer"].status = "declined"


def _role_fills(programme) -> None:
    programme["role"].places_taken = 3


def _role_closed(programme) -> None:
    roles.close(db.session, programme["other"])


def _organisation_verified(programme) -> None:
    verification.verify(db.session, programme["waiting"])


def _student_joins(programme) -> None:
    create_student()


@pytest.mark.parametrize(
    "change",
    [
        _draft_submitted,
        _student_withdrawn,
        _proposal_approved,
        _offer_declined,
        _role_fills,
        _role_closed,
        _organisation_verified,
        _student_joins,
    ],
)
def test_each_change_the_counts_read_gives_the_counts_a_fresh_count_gives(app, change):
    programme = _programme()
    before = _counts()
    change(programme)
    db.session.commit()

    after = _counts()

    assert after != before
    assert after == _fresh()
