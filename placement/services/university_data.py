"""What a university partner may read: its sharing students, their placements, skills demand.

Only students of the partner's university who have turned sharing on are ever read here, and the
consent is checked in the query itself, so withdrawing it hides the student from the next request.
Pages are keyset-paginated by id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.orm import Session

from placement import reference
from placement.models import (
    Feedback,
    MatchingRound,
    Offer,
    Organisation,
    Placement,
    PlacementRole,
    Proposal,
    RoleSkill,
    Skill,
    StudentProfile,
    StudentSkill,
    User,
)
from placement.services.equity import suppress
from placement.services.skills_gap import DEMAND_STATUSES, quarter_of


def sharing_students(university_id: str) -> ColumnElement[bool]:
    """The condition every read starts from: this university's students who agreed to share."""
    return (StudentProfile.university_id == university_id) & StudentProfile.shares_with_university


def _has(model: Any, *conditions: Any) -> Any:
    return exists().where(model.student_id == StudentProfile.id, *conditions)


stage_of_student = case(
    (StudentProfile.status == "withdrawn", "withdrawn"),
    (_has(Placement, Placement.status == "completed"), "completed"),
    (_has(Placement, Placement.status.in_(("confirmed", "started"))), "placed"),
    (_has(Offer, Offer.status == "pending"), "offered"),
    (_has(Proposal, Proposal.status.in_(("proposed", "approved"))), "proposed"),
    (StudentProfile.status == "submitted", "submitted"),
    (User.password_hash.is_(None), "invited"),
    else_="profile_in_progress",
)


def _changed_since(moment: datetime) -> ColumnElement[bool]:
    """The student's record, consent or progress (offers, placements, rounds) changed since."""
    return or_(
        StudentProfile.updated_at >= moment,
        StudentProfile.sharing_changed_at >= moment,
        _has(Offer, or_(Offer.created_at >= moment, Offer.closed_at >= moment)),
        _has(
            Placement,
            or_(
                Placement.confirmed_at >= moment,
                Placement.started_at >= moment,
                Placement.completed_at >= moment,
                Placement.withdrawn_at >= moment,
            ),
        ),
        _has(
            Proposal,
            Proposal.round_id.in_(
                select(MatchingRound.id).where(MatchingRound.completed_at >= moment)
            ),
        ),
        _has(Proposal, Proposal.decided_at >= moment),
    )


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_after: int | None


def _latest(values: list[datetime | None]) -> datetime:
    return max(value for value in values if value is not None)


def _progress_times(session: Session, ids: list[int]) -> dict[int, list[datetime | None]]:
    """Per student, the times their progress last moved (offers, placements, decisions)."""
    times: dict[int, list[datetime | None]] = defaultdict(list)
    if not ids:
        return times
    queries = [
        select(Offer.student_id, Offer.created_at, Offer.closed_at).where(
            Offer.student_id.in_(ids)
        ),
        select(
            Placement.student_id,
            Placement.confirmed_at,
            Placement.started_at,
            Placement.completed_at,
            Placement.withdrawn_at,
        ).where(Placement.student_id.in_(ids)),
        select(Proposal.student_id, Proposal.decided_at, MatchingRound.completed_at)
        .join(MatchingRound, MatchingRound.id == Proposal.round_id)
        .where(Proposal.student_id.in_(ids)),
    ]
    for query in queries:
        for student_id, *moments in session.execute(query):
            times[student_id].extend(moments)
    return times


def students(
    session: Session,
    university_id: str,
    *,
    stage: str | None = None,
    updated_since: datetime | None = None,
    after: int = 0,
    limit: int = 50,
) -> Page:
    """The university's sharing students after id `after`, with their stage, in id order."""
    query = (
        select(StudentProfile, User.email, stage_of_student.label("stage"))
        .join(User, User.id == StudentProfile.user_id)
        .where(sharing_students(university_id), StudentProfile.id > after)
        .order_by(StudentProfile.id)
        .limit(limit + 1)
    )
    if stage is not None:
        query = query.where(stage_of_student == stage)
    if updated_since is not None:
        query = query.where(_changed_since(updated_since))
    rows = session.execute(query).all()[: limit + 1]
    shown = rows[:limit]
    times = _progress_times(session, [profile.id for profile, _, _ in shown])
    items = [
        {
            "id": profile.id,
            "email": email,
            "given_name": profile.given_name,
            "family_name": profile.family_name,
            "course": profile.course,
            "rqf_level": profile.rqf_level,
            "expected_graduation": profile.expected_graduation,
            "stage": found_stage,
            "updated_at": _latest(
                [profile.updated_at, profile.sharing_changed_at, *times[profile.id]]
            ),
        }
        for profile, email, found_stage in shown
    ]
    return Page(items, shown[-1][0].id if len(rows) > limit else None)


def placements(session: Session, university_id: str, *, after: int = 0, limit: int = 50) -> Page:
    """Placements of the university's sharing students after id `after`, in id order."""
    rows = session.execute(
        select(Placement, PlacementRole, Organisation.id, Organisation.name)
        .join(StudentProfile, StudentProfile.id == Placement.student_id)
        .join(PlacementRole, PlacementRole.id == Placement.role_id)
        .join(Organisation, Organisation.id == PlacementRole.organisation_id)
        .where(sharing_students(university_id), Placement.id > after)
        .order_by(Placement.id)
        .limit(limit + 1)
    ).all()
    shown = rows[:limit]
    scores = _feedback_scores(session, [placement.id for placement, *_ in shown])
    items = [
        {
            "id": placement.id,
            "student_id": placement.student_id,
            "status": placement.status,
            "role": {"id": role.id, "title": role.title, "sector": role.sector},
            "organisation": {"id": organisation_id, "name": organisation_name},
            "start_date": role.start_date,
            "end_date": role.end_date,
            "confirmed_at": placement.confirmed_at,
            "started_at": placement.started_at,
            "completed_at": placement.completed_at,
            "withdrawn_at": placement.withdrawn_at,
            "feedback_scores": scores[placement.id],
        }
        for placement, role, organisation_id, organisation_name in shown
    ]
    return Page(items, shown[-1][0].id if len(rows) > limit else None)


def _feedback_scores(session: Session, ids: list[int]) -> dict[int, dict[str, int | None]]:
    """Ratings only: what either side wrote in a comment stays between them and the programme."""
    scores: dict[int, dict[str, int | None]] = defaultdict(
        lambda: {"student": None, "organisation": None}
    )
    if ids:
        found = session.execute(
            select(Feedback.placement_id, Feedback.given_by, Feedback.rating).where(
                Feedback.placement_id.in_(ids)
            )
        )
        for placement_id, given_by, rating in found:
            scores[placement_id][given_by] = rating
    return scores


# ---------------------------------------------------------------------------------------------
# Skills demand


def _demand(session: Session) -> dict[tuple[str, str], dict[str, list[int]]]:
    """(sector, quarter) -> skill -> [places asking for it as required, as desired]."""
    rows = session.execute(
        select(
            PlacementRole.sector,
            PlacementRole.start_date,
            RoleSkill.skill_id,
            RoleSkill.required,
            func.sum(PlacementRole.places),
        )
        .join(PlacementRole, PlacementRole.id == RoleSkill.role_id)
        .join(Organisation, Organisation.id == PlacementRole.organisation_id)
        .where(PlacementRole.status.in_(DEMAND_STATUSES), Organisation.status == "verified")
        .group_by(
            PlacementRole.sector, PlacementRole.start_date, RoleSkill.skill_id, RoleSkill.required
        )
    )
    demand: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for sector, start_date, skill_id, required, places in rows:
        demand[(sector, quarter_of(start_date))][skill_id][0 if required else 1] += int(places)
    return demand


def _supply(session: Session, university_id: str) -> tuple[dict[str, int], int]:
    """Skill -> sharing students with a submitted profile who hold it; and how many there are."""
    counted = sharing_students(university_id) & (StudentProfile.status == "submitted")
    holding = session.execute(
        select(StudentSkill.skill_id, func.count())
        .join(StudentProfile, StudentProfile.id == StudentSkill.student_id)
        .where(counted)
        .group_by(StudentSkill.skill_id)
    )
    total = session.execute(select(func.count()).select_from(StudentProfile).where(counted))
    return dict(holding.all()), int(total.scalar_one())


def _cell(value: int | str) -> tuple[int | None, str | None]:
    return (value, None) if isinstance(value, int) else (None, value)


def skills_demand(session: Session, university_id: str) -> dict[str, Any]:
    """Skills asked for by open and filled roles, by sector and quarter, against the skills the
    university's sharing students hold. Counts of students go through the reports' suppression."""
    demand = _demand(session)
    in_demand = {skill for skills in demand.values() for skill in skills}
    holding, total = _supply(session, university_id)
    shown, shown_total = suppress({skill: holding.get(skill, 0) for skill in in_demand}, total)
    labels = dict(
        session.execute(select(Skill.id, Skill.label).where(Skill.id.in_(in_demand))).all()
    )
    sectors = reference.sectors()
    groups = []
    for (sector, quarter), skills in sorted(demand.items()):
        rows = []
        for skill_id, (required, desired) in sorted(
            skills.items(), key=lambda item: (-sum(item[1]), item[0])
        ):
            students_holding, suppressed = _cell(shown[skill_id])
            rows.append(
                {
                    "skill_id": skill_id,
                    "skill": labels.get(skill_id, skill_id),
                    "required_places": required,
                    "desired_places": desired,
                    "students_holding": students_holding,
                    "suppressed": suppressed,
                }
            )
        groups.append(
            {
                "sector": sector,
                "sector_label": sectors.get(sector, sector),
                "quarter": quarter,
                "skills": rows,
            }
        )
    counted, counted_suppressed = _cell(shown_total)
    return {
        "university": university_id,
        "students_counted": counted,
        "students_counted_suppressed": counted_suppressed,
        "groups": groups,
    }
