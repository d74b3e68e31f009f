"""Helpers for round, offer and placement tests: a small pool of students and roles, and a run."""

from __future__ import annotations

from placement.extensions import db
from placement.models import MatchingRound
from placement.services import rounds
from support.factories import create_coordinator, create_organisation, create_role, create_student


def make_pool(students: int = 3, roles: int = 2, places: int = 1) -> dict:
    """Submitted students and published roles of verified organisations that all fit each other."""
    organisation, member = create_organisation()
    made_roles = [
        create_role(organisation, title=f"Role {number}", places=places) for number in range(roles)
    ]
    made_students = [create_student() for _ in range(students)]
    return {
        "organisation": organisation,
        "member": member,
        "roles": made_roles,
        "students": made_students,
        "coordinator": create_coordinator(),
    }


def run_round(
    name: str = "Round", previous: MatchingRound | None = None, **parameters
) -> MatchingRound:
    """Create and run a round, committed; returns it (completed or failed)."""
    if previous is not None:
        draft = rounds.rerun(db.session, previous)
    else:
        draft = rounds.create(db.session, name, parameters=parameters)
    db.session.commit()
    matching_round = rounds.run_or_fail(db.session, draft.id)
    db.session.commit()
    return matching_round
