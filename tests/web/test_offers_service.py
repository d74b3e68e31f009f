"""Offers and placements: publishing, answers, expiry, the lifecycle, feedback, and refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from support.rounds import make_pool, run_round

from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.models import AuditEvent, Offer, PlacementRole, Proposal, StudentProfile
from placement.models._types import utcnow
from placement.services import offers, placements, rounds, snapshot

# The roles these tests make start in 2027: moving a placement now is an override.
EARLY = "Started early for the test"


def _published(students: int = 1, roles: int = 1) -> tuple[dict, list[Offer]]:
    pool = make_pool(students=students, roles=roles)
    matching_round = run_round()
    for proposal in matching_round.proposals:
        offers.approve(db.session, proposal.id)
    db.session.commit()
    made = offers.publish(db.session, matching_round, 7)
    db.session.commit()
    return pool, made


def test_publishing_makes_an_offer_per_approved_proposal_with_a_deadline(app):
    _, made = _published(students=2, roles=2)
    assert len(made) == 2
    for offer in made:
        assert offer.status == "pending"
        assert timedelta(days=6) < offer.deadline - utcnow() <= timedelta(days=7)
        assert db.session.get(Proposal, offer.proposal_id).status == "offered"


def test_publishing_a_round_with_nothing_approved_is_refused(app):
    make_pool()
    matching_round = run_round()
    with pytest.raises(Conflict, match="no approved proposals"):
        offers.publish(db.session, matching_round, 7)


def test_both_sides_accepting_confirms_one_placement(app):
    _, (offer,) = _published()
    assert offers.accept(db.session, offer.id, "organisation") is None
    placement = offers.accept(db.session, offer.id, "student")
    db.session.commit()
    assert placement.status == "confirmed"
    assert db.session.get(Offer, offer.id).status == "accepted"
    with pytest.raises(Conflict, match="offer is accepted"):
        offers.accept(db.session, offer.id, "student")


def test_answering_twice_is_refused(app):
    _, (offer,) = _published()
    offers.accept(db.session, offer.id, "student")
    db.session.commit()
    with pytest.raises(Conflict, match="already accepted"):
        offers.accept(db.session, offer.id, "student")


def test_declining_returns_the_place_and_the_student_to_the_pool(app):
    _, (offer,) = _published()
    offers.decline(db.session, offer.id, "student", "Found another placement")
    db.session.commit()
    assert db.session.get(Offer, offer.id).status == "declined"
    assert "Found another placement" in db.session.get(Offer, offer.id).decline_reason
    assert db.session.get(PlacementRole, offer.role_id).places_taken == 0
    assert db.session.get(Proposal, offer.proposal_id).status == "closed"
    ready = rounds.readiness(db.session)
    back = select(StudentProfile.id).where(rounds.ready_for_next_round())
    assert ready.students_ready_count == 1 and list(db.session.scalars(back)) == [offer.student_id]
    assert ready.roles_ready_count == 1 and snapshot.ready_role(db.session, offer.role_id)


def test_overdue_offers_expire_and_cannot_be_accepted(app):
    _, (offer,) = _published()
    later = utcnow() + timedelta(days=8)
    with pytest.raises(Conflict, match="deadline"):
        offers.accept(db.session, offer.id, "student", now=later)
    db.session.rollback()
    assert offers.expire_overdue(db.session, later) == 1
    db.session.commit()
    assert db.session.get(Offer, offer.id).status == "expired"
    assert db.session.get(PlacementRole, offer.role_id).places_taken == 0


def test_the_offers_expire_command_expires_overdue_offers(app):
    _, (offer,) = _published()
    offer.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = CliRunner().invoke(app.cli, ["offers", "expire"])
    assert result.exit_code == 0 and "1 offer(s) expired" in result.output


def test_a_placement_starts_completes_and_takes_one_feedback_per_side(app):
    _, (offer,) = _published()
    offers.accept(db.session, offer.id, "student")
    placement = offers.accept(db.session, offer.id, "organisation")
    db.session.commit()
    with pytest.raises(Conflict, match="started can be completed"):
        placements.move(db.session, placement.id, "complete")
    with pytest.raises(Conflict, match="Feedback opens"):
        placements.give_feedback(db.session, placement, "student", 5, "")
    placements.move(db.session, placement.id, "start", early_reason=EARLY)
    placements.move(db.session, placement.id, "complete", early_reason=EARLY)
    db.session.commit()
    with pytest.raises(ValidationFailed):
        placements.give_feedback(db.session, placement, "student", 9, "")
    placements.give_feedback(db.session, placement, "student", 5, "Loved it")
    placements.give_feedback(db.session, placement, "organisation", 4, "Great work")
    db.session.commit()
    with pytest.raises(Conflict, match="already given feedback"):
        placements.give_feedback(db.session, placement, "student", 3, "")
    with pytest.raises(Conflict, match="cannot be withdrawn"):
        placements.move(db.session, placement.id, "withdraw", reason="Too late")


def test_withdrawing_a_placement_needs_a_reason_and_frees_the_place(app):
    _, (offer,) = _published()
    offers.accept(db.session, offer.id, "student")
    placement = offers.accept(db.session, offer.id, "organisation")
    db.session.commit()
    with pytest.raises(ValidationFailed):
        placements.move(db.session, placement.id, "withdraw", reason="")
    placements.move(db.session, placement.id, "withdraw", reason="Student moved away")
    db.session.commit()
    assert db.session.get(Offer, offer.id).status == "withdrawn"
    assert db.session.get(PlacementRole, offer.role_id).places_taken == 0


def test_every_decision_is_an_audit_event(app):
    _, (offer,) = _published()
    offers.accept(db.session, offer.id, "student")
    placement = offers.accept(db.session, offer.id, "organisation")
    placements.move(db.session, placement.id, "start", early_reason=EARLY)
    placements.move(db.session, placement.id, "withdraw", reason="Ended early")
    db.session.commit()
    actions = set(db.session.execute(select(AuditEvent.action)).scalars())
    assert {
        "round_run",
        "proposal_approved",
        "offers_published",
        "offer_accepted",
        "placement_confirmed",
        "placement_started",
        "placement_withdrawn",
    } <= actions
