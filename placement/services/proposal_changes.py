"""A coordinator's changes to a round's proposals: swap in a listed alternative, adopt the stable
result. Both work through the engine's own answers (alternatives, explanations, the stable
solve), so a changed proposal carries the same score, breakdown and reasons the engine gives."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import matching
from placement.errors import Conflict
from placement.models import MatchingRound, PlacementRole, Proposal
from placement.services import audit, rounds, snapshot

LIVE = ("proposed", "approved", "offered")
ALTERNATIVES_LISTED = 5


def listed_alternatives(matching_round: MatchingRound, student_id: int) -> list[dict[str, Any]]:
    """The alternatives the student's page lists (best first), by database role id."""
    document = matching_round.snapshot or {}
    return snapshot.alternatives(document, student_id, limit=ALTERNATIVES_LISTED)["alternatives"]


def _places_free(session: Session, matching_round: MatchingRound, role: PlacementRole) -> int:
    taken = session.execute(
        select(func.count(Proposal.id)).where(
            Proposal.round_id == matching_round.id,
            Proposal.role_id == role.id,
            Proposal.status.in_(LIVE),
        )
    ).scalar_one()
    return role.places - int(taken)


def _engine_entry(document: dict[str, Any], student_id: int, role_id: int) -> dict[str, Any]:
    explained = matching.explain_student(document, snapshot.student_key(student_id))
    key = snapshot.role_key(role_id)
    return next(entry for entry in explained["roles"] if entry["role"] == key)


def swap_role(
    session: Session, proposal: Proposal, role_id: int, actor_id: int | None = None
) -> Proposal:
    """Propose one of the listed alternatives instead of the proposed role."""
    matching_round = proposal.round
    if proposal.status != "proposed":
        raise Conflict("Only a proposal that is not yet decided can take another role")
    listed = {
        entry["role_id"] for entry in listed_alternatives(matching_round, proposal.student_id)
    }
    if role_id not in listed:
        raise Conflict("Choose one of the alternatives listed for this student")
    role = session.get(PlacementRole, role_id)
    if role is None or _places_free(session, matching_round, role) < 1:
        raise Conflict(
            "Every place of that role is proposed to another student in this round: "
            "reject one of those proposals first"
        )
    entry = _engine_entry(matching_round.snapshot, proposal.student_id, role_id)
    was = proposal.role_id
    proposal.role_id = role_id
    proposal.score = float(entry["score"])
    proposal.breakdown = dict(entry["breakdown"])
    proposal.reasons = list(entry["reasons"])
    session.flush()
    audit.record(
        session,
        "proposal_swapped",
        object_type="proposal",
        object_id=proposal.id,
        actor_id=actor_id,
        detail={
            "round": matching_round.id,
            "student": proposal.student_id,
            "from": was,
            "to": role_id,
        },
    )
    return proposal


def adopt_stable(
    session: Session, matching_round: MatchingRound, actor_id: int | None = None
) -> int:
    """Replace the round's proposals with the stable result's pairs; the number proposed.

    Refused once any proposal is decided, so no approval or offer is lost; the stored optimal
    result stays as the engine gave it, for audit and re-runs.
    """
    if matching_round.status != "completed":
        raise Conflict("This round has not run")
    if any(proposal.status != "proposed" for proposal in matching_round.proposals):
        raise Conflict(
            "Some proposals of this round are already decided: the stable result can be "
            "adopted only before any decision"
        )
    stable = rounds.stable_result(matching_round)
    for proposal in list(matching_round.proposals):
        session.delete(proposal)
    session.flush()
    pairs = snapshot.assignments(stable)
    for entry in pairs:
        session.add(
            Proposal(
                round_id=matching_round.id,
                student_id=entry["student_id"],
                role_id=entry["role_id"],
                score=entry["score"],
                breakdown=entry["breakdown"],
                reasons=entry["reasons"],
                locked=entry["locked"],
                status="approved" if entry["locked"] else "proposed",
            )
        )
    session.flush()
    session.expire(matching_round, ["proposals"])
    audit.record(
        session,
        "stable_result_adopted",
        object_type="round",
        object_id=matching_round.id,
        actor_id=actor_id,
        detail={"proposals": len(pairs)},
    )
    return len(pairs)
