"""Matching rounds: who is ready, creating and running a round, and reading its result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from placement import work
from placement.cache import BoundedCache
from placement.errors import Conflict, NotFound, ValidationFailed
from placement.models import (
    MatchingRound,
    Offer,
    Organisation,
    PlacementRole,
    Proposal,
    StudentProfile,
    StudentSkill,
)
from placement.models._types import utcnow
from placement.services import audit, snapshot, versions
from placement.services.versions import counted

HELD = ("approved", "offered")
RUNNABLE = ("draft", "queued")
Progress = Callable[[str], None]
ALREADY_RUN = "This round has already been run. Create a new round to run again."
WORKER_LOST = (
    "The worker running this round stopped before it finished. Nothing was stored: run it again."
)
# Every proposal a coordinator approved, whatever came after: an offer (offered, then closed when
# it ended) or a re-run that carried it over (superseded). Counted the same way everywhere.
APPROVED = ("approved", "offered", "closed", "superseded")
OBJECTIVES = ("placements", "score")
WEIGHT_NAMES = ("skills", "travel", "preferences", "sector")


class RoundFailed(Exception):
    """A round could not run; the message says why, in words a coordinator can act on."""


NOT_READY_PAGE = 50  # students not ready listed a page at a time


@dataclass
class Readiness:
    """Who the next round can use, and why the others cannot be used yet.

    Students are counted in SQL and only the page of those not ready is loaded, as light rows
    (ids and the columns shown), so that the page stays quick with a national programme's tens
    of thousands of students. Roles not ready come a page at a time the same way, and the first
    organisations not verified are listed with the count of all.
    """

    students_ready_count: int
    roles_ready_count: int
    places_ready: int
    students_not_ready: list[tuple[Any, str]] = field(default_factory=list)
    roles_not_ready: list[tuple[Any, str]] = field(default_factory=list)
    organisations_not_verified: list[Organisation] = field(default_factory=list)
    students_not_ready_count: int = 0
    next_after: int | None = None  # the last student listed, when more follow
    roles_not_ready_count: int = 0
    roles_next_after: int | None = None  # the last role listed, when more follow
    organisations_not_verified_count: int = 0


def ready_for_next_round():  # type: ignore[no-untyped-def]
    """Whether a student goes into the next round: ready for matching and not already approved
    for a role, as one SQL condition (never NULL, so its negation is "not ready")."""
    approved = exists().where(
        Proposal.student_id == StudentProfile.id, Proposal.status == "approved"
    )
    return and_(snapshot.ready_where(), ~approved)


def _not_ready_page(session: Session, after: int | None) -> list[Any]:
    """Up to one more than a page of students not ready, by id, after ``after``: light rows with
    what :func:`snapshot.missing_for_matching` reads (``skills`` says whether they have any)."""
    query = (
        select(
            StudentProfile.id,
            StudentProfile.status,
            StudentProfile.given_name,
            StudentProfile.family_name,
            StudentProfile.university_id,
            StudentProfile.rqf_level,
            StudentProfile.available_from,
            StudentProfile.hours_per_week,
            StudentProfile.work_modes,
            StudentProfile.right_to_work,
            exists().where(StudentSkill.student_id == StudentProfile.id).label("skills"),
        )
        .where(~ready_for_next_round())
        .order_by(StudentProfile.id)
        .limit(NOT_READY_PAGE + 1)
    )
    if after is not None:
        query = query.where(StudentProfile.id > after)
    return list(session.execute(query))


def _held_student_ids(session: Session) -> set[int]:
    held = select(Proposal.student_id).where(Proposal.status == "approved")
    return set(session.execute(held).scalars())


def _student_problem(profile: Any, live: set[int], held: set[int]) -> str:
    if profile.status == "withdrawn":
        return "Withdrawn from the programme"
    if profile.status == "draft":
        missing = snapshot.missing_for_matching(profile)
        return "Profile not submitted" + (f": missing {', '.join(missing)}" if missing else "")
    if profile.rqf_level is not None and profile.rqf_level < 6:
        return f"Course is at Level {profile.rqf_level}, below Level 6"
    if profile.right_to_work is False:
        return "No right to work in the UK"
    if profile.id in live:
        return "Holds an offer or a placement"
    if profile.id in held:
        return "Already approved for a role, waiting for the offer to be published"
    missing = snapshot.missing_for_matching(profile)
    return "Missing " + ", ".join(missing) if missing else "Not ready"


def _role_problem(role: Any) -> str:
    if role.organisation_status != "verified":
        return f"Organisation {role.organisation_status}, not verified"
    if role.status != "published":
        return f"Role is {role.status}"
    return "No places left"


PLACES_LEFT = PlacementRole.places - PlacementRole.places_taken


def _student_problems(session: Session, page: list[Any]) -> list[tuple[Any, str]]:
    """Each student of a page with why they are not ready."""
    ids = [row.id for row in page]
    approved = select(Proposal.student_id).where(
        Proposal.status == "approved", Proposal.student_id.in_(ids)
    )
    live = select(Offer.student_id).where(
        Offer.status.in_(("pending", "accepted")), Offer.student_id.in_(ids)
    )
    held, with_offer = set(session.scalars(approved)), set(session.scalars(live))
    return [(row, _student_problem(row, with_offer, held)) for row in page]


def _roles_not_ready(session: Session, after: int | None) -> list[tuple[Any, str]]:
    """A page of the roles not closed and not ready for matching (one more when more follow),
    by id after ``after``, as light rows, with why."""
    query = (
        select(
            PlacementRole.id,
            PlacementRole.title,
            PlacementRole.status,
            PLACES_LEFT.label("places_left"),
            Organisation.name.label("organisation_name"),
            Organisation.status.label("organisation_status"),
        )
        .join(Organisation)
        .where(PlacementRole.status != "closed", ~snapshot.ready_role_where())
        .order_by(PlacementRole.id)
        .limit(NOT_READY_PAGE + 1)
    )
    if after is not None:
        query = query.where(PlacementRole.id > after)
    return [(role, _role_problem(role)) for role in session.execute(query)]


_counts: BoundedCache[tuple[Any, ...], tuple[int, ...]] = BoundedCache(4)


def readiness_version(session: Session) -> tuple[str, ...]:
    """A value that changes whenever a readiness count may have changed: the profiles (count,
    ids, latest ``updated_at``, which a change of skills touches), the live offers, the approved
    proposals, the roles (count, ids, latest ``updated_at``, places and places taken) and the
    verified organisations. As with the other caches, two writes committed out of the order of
    their timestamps can leave it where it was until the next change."""
    queries = (
        counted(StudentProfile, func.max(StudentProfile.updated_at)),
        counted(Offer).where(Offer.status.in_(("pending", "accepted"))),
        counted(Proposal).where(Proposal.status == "approved"),
        counted(
            PlacementRole,
            func.max(PlacementRole.updated_at),
            func.coalesce(func.sum(PlacementRole.places), 0),
            func.coalesce(func.sum(PlacementRole.places_taken), 0),
        ),
        counted(Organisation),
        counted(Organisation).where(Organisation.status == "verified"),
    )
    return versions.version(session, queries)


def _ready_counts(session: Session) -> tuple[int, ...]:
    """Students, students ready, roles ready, their places left, roles not closed, and
    organisations not verified; counted once per :func:`readiness_version` in each process (the
    students ready take 150 ms to count at national size)."""

    def count() -> tuple[int, ...]:
        everyone, students_ready = session.execute(
            select(func.count(StudentProfile.id), func.count(case((ready_for_next_round(), 1))))
        ).one()
        roles_ready, places_ready = session.execute(
            select(func.count(PlacementRole.id), func.coalesce(func.sum(PLACES_LEFT), 0))
            .join(Organisation)
            .where(snapshot.ready_role_where())
        ).one()
        roles_open = session.execute(
            select(func.count(PlacementRole.id))
            .join(Organisation)
            .where(PlacementRole.status != "closed")
        ).scalar_one()
        not_verified = session.execute(
            select(func.count(Organisation.id)).where(Organisation.status != "verified")
        ).scalar_one()
        return everyone, students_ready, roles_ready, places_ready, roles_open, not_verified

    return _counts.get((str(session.get_bind().url), readiness_version(session)), count)


def clear_readiness() -> None:
    _counts.clear()


def readiness(
    session: Session, after: int | None = None, roles_after: int | None = None
) -> Readiness:
    """Students and roles ready for matching, and the others with the reason each is not.

    Students not ready come :data:`NOT_READY_PAGE` at a time, by id, after ``after``; roles not
    ready likewise after ``roles_after``; organisations not verified, the oldest
    :data:`NOT_READY_PAGE`.
    """
    everyone, students_ready, roles_ready, places_ready, roles_open, not_verified_count = (
        _ready_counts(session)
    )
    listed = _not_ready_page(session, after)
    page = listed[:NOT_READY_PAGE]
    roles = _roles_not_ready(session, roles_after)
    not_verified = Organisation.status != "verified"
    return Readiness(
        students_ready_count=students_ready,
        roles_ready_count=roles_ready,
        places_ready=places_ready,
        students_not_ready=_student_problems(session, page),
        roles_not_ready=roles[:NOT_READY_PAGE],
        organisations_not_verified=list(
            session.scalars(
                select(Organisation)
                .where(not_verified)
                .order_by(Organisation.created_at, Organisation.id)
                .limit(NOT_READY_PAGE)
            )
        ),
        students_not_ready_count=everyone - students_ready,
        next_after=page[-1].id if len(listed) > NOT_READY_PAGE else None,
        roles_not_ready_count=roles_open - roles_ready,
        roles_next_after=roles[NOT_READY_PAGE - 1][0].id if len(roles) > NOT_READY_PAGE else None,
        organisations_not_verified_count=not_verified_count,
    )


def parameters_from(
    *,
    weights: dict[str, float] | None = None,
    min_score: float | None = None,
    objective: str | None = None,
    seed: int | None = None,
) -> dict[str, Any]:
    """Round parameters, checked; anything not given takes the engine's default."""
    problems: list[tuple[str | None, str]] = []
    chosen: dict[str, Any] = {}
    if weights is not None:
        unknown = set(weights) - set(WEIGHT_NAMES)
        if unknown:
            problems.append(("weights", f"Unknown weight {sorted(unknown)[0]}"))
        elif any(value < 0 for value in weights.values()) or not any(weights.values()):
            problems.append(("weights", "Weights must be 0 or more, and one must be above 0"))
        else:
            chosen["weights"] = {name: float(value) for name, value in weights.items()}
    if min_score is not None:
        if not 0 <= min_score <= 1:
            problems.append(("min_score", "Minimum score must be between 0 and 1"))
        chosen["min_score"] = float(min_score)
    if objective is not None:
        if objective not in OBJECTIVES:
            problems.append(("objective", "Select what the round should aim for"))
        chosen["objective"] = objective
    if seed is not None:
        if not 0 <= seed <= 2**31:
            problems.append(("seed", "Seed must be a whole number from 0 to 2147483648"))
        chosen["seed"] = int(seed)
    if problems:
        raise ValidationFailed(problems)
    return chosen


def create(
    session: Session,
    name: str,
    *,
    parameters: dict[str, Any] | None = None,
    scope: dict[str, list[str]] | None = None,
    previous: MatchingRound | None = None,
    actor_id: int | None = None,
) -> MatchingRound:
    """A draft round, ready to run."""
    name = name.strip()
    if not name:
        raise ValidationFailed([("name", "Enter a name for the round")])
    if previous is not None and previous.status != "completed":
        raise Conflict("Only a round that ran can be re-run")
    cleaned = {key: sorted(set(values)) for key, values in (scope or {}).items() if values}
    matching_round = MatchingRound(
        name=name[:120],
        parameters=dict(parameters or {}),
        scope=cleaned or None,
        previous_round_id=previous.id if previous else None,
        created_by_id=actor_id,
    )
    session.add(matching_round)
    session.flush()
    audit.record(
        session,
        "round_created",
        object_type="round",
        object_id=matching_round.id,
        detail={"name": matching_round.name, "parameters": matching_round.parameters},
    )
    return matching_round


def rerun(session: Session, previous: MatchingRound, actor_id: int | None = None) -> MatchingRound:
    """A draft round for the rest: approved pairs locked, rejected pairs forbidden."""
    return create(
        session,
        f"{previous.name} (re-run)",
        parameters=previous.parameters,
        scope=previous.scope,
        previous=previous,
        actor_id=actor_id,
    )


def _in_scope(matching_round: MatchingRound, session: Session) -> tuple[list, list, list, list]:
    scope = matching_round.scope or {}
    previous = (
        session.get(MatchingRound, matching_round.previous_round_id)
        if matching_round.previous_round_id
        else None
    )
    carried = [p for p in previous.proposals if p.status == "approved"] if previous else []
    rejected = [p for p in previous.proposals if p.status == "rejected"] if previous else []
    locked = [(p.student_id, p.role_id) for p in carried]
    locked_students = {student for student, _ in locked}
    held = _held_student_ids(session) - locked_students
    universities = set(scope.get("universities", []))
    sectors = set(scope.get("sectors", []))
    students = [
        profile
        for profile in snapshot.ready_students(session)
        if profile.id in locked_students
        or (profile.id not in held and (not universities or profile.university_id in universities))
    ]
    roles = [
        role for role in snapshot.ready_roles(session) if not sectors or role.sector in sectors
    ]
    role_ids = {role.id for role in roles}
    for proposal in carried:
        if proposal.role_id not in role_ids:
            roles.append(proposal.role)
            role_ids.add(proposal.role_id)
    student_ids = {profile.id for profile in students}
    forbidden = [
        (p.student_id, p.role_id)
        for p in rejected
        if p.student_id in student_ids and p.role_id in role_ids
    ]
    return students, roles, locked, forbidden


def _no_progress(stage: str) -> None:
    """Progress goes nowhere when nobody watches (a round run in one transaction)."""


def _solve(
    session: Session, matching_round: MatchingRound, progress: Progress = _no_progress
) -> tuple[dict, dict, list]:
    students, roles, locked, forbidden = _in_scope(matching_round, session)
    if not students:
        raise RoundFailed("No students are ready for matching in this round's scope.")
    if not roles:
        raise RoundFailed("No roles with places left are ready for matching in this round's scope.")
    places = snapshot.round_places(roles, locked)
    roles = sorted((role for role in roles if places[role.id] >= 1), key=lambda role: role.id)
    document = snapshot.build_snapshot(
        session,
        sorted(students, key=lambda profile: profile.id),
        roles,
        parameters=matching_round.parameters,
        places=places,
        locked=locked,
        forbidden=forbidden,
    )
    try:
        progress("scoring")
        snapshot.validate(document)
        progress("solving")
        result = snapshot.solve(document)
    except snapshot.SnapshotError as error:
        raise RoundFailed(
            f"The round's data is not valid for the matching engine: {error}"
        ) from None
    except (ValueError, RuntimeError, ArithmeticError, KeyError, IndexError, TypeError) as error:
        raise RoundFailed(f"The matching engine failed: {error}") from None
    progress("certifying")
    problems = snapshot.check(document, result)
    if problems:
        raise RoundFailed("The result failed the engine's validity check: " + " ".join(problems))
    return document, result, locked


def _carry_over(session: Session, matching_round: MatchingRound, locked: list) -> dict:
    """Mark the previous round's proposals superseded; return who decided each locked pair."""
    if not matching_round.previous_round_id:
        return {}
    previous = session.get(MatchingRound, matching_round.previous_round_id)
    decided = {
        (p.student_id, p.role_id): p
        for p in previous.proposals
        if p.status == "approved" and (p.student_id, p.role_id) in set(locked)
    }
    moved = session.execute(
        update(Proposal)
        .where(Proposal.id.in_([p.id for p in decided.values()]), Proposal.status == "approved")
        .values(status="superseded")
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != len(locked):
        raise RoundFailed(
            "Decisions on the previous round changed while this round ran: run it again."
        )
    session.execute(
        update(Proposal)
        .where(Proposal.round_id == previous.id, Proposal.status == "proposed")
        .values(status="superseded")
        .execution_options(synchronize_session=False)
    )
    return {pair: (p.decided_by_id, p.decided_at) for pair, p in decided.items()}


def _store(session: Session, matching_round: MatchingRound, document, result, locked) -> None:
    decided = _carry_over(session, matching_round, locked)
    matching_round.snapshot = document
    matching_round.snapshot_sha256 = result["input_sha256"]
    matching_round.result = result
    matching_round.result_sha256 = result["result_sha256"]
    matching_round.status = "completed"
    matching_round.error = None
    matching_round.completed_at = utcnow()
    matching_round.stage = None
    matching_round.heartbeat_at = None
    rows = []
    for entry in snapshot.assignments(result):
        pair = (entry["student_id"], entry["role_id"])
        decided_by, decided_at = decided.get(pair, (None, None))
        rows.append(
            {
                "round_id": matching_round.id,
                "student_id": entry["student_id"],
                "role_id": entry["role_id"],
                "score": entry["score"],
                "breakdown": entry["breakdown"],
                "reasons": entry["reasons"],
                "locked": entry["locked"],
                "status": "approved" if entry["locked"] else "proposed",
                "decided_by_id": decided_by,
                "decided_at": decided_at,
            }
        )
    session.flush()
    if rows:  # one multi-row insert, not an object per proposal
        session.execute(insert(Proposal), rows)
    session.expire(matching_round, ["proposals"])


def run(session: Session, round_id: int) -> MatchingRound:
    """Snapshot, solve, check and store a round with its proposals, all in the caller's
    transaction (the command line's in-process run). Raises RoundFailed; the caller then rolls
    back and calls `record_failure`."""
    if not claim(session, round_id, None):
        raise Conflict(ALREADY_RUN)
    return execute(session, round_id)


def queue(session: Session, round_id: int, actor_id: int | None = None) -> MatchingRound:
    """Queue a draft (or failed) round to run; of two coordinators pressing Run, one queues it."""
    queued = session.execute(
        update(MatchingRound)
        .where(MatchingRound.id == round_id, MatchingRound.status.in_(("draft", "failed")))
        .values(status="queued", stage="queued", queued_at=utcnow(), error=None)
        .execution_options(synchronize_session=False)
    )
    if queued.rowcount != 1:
        raise Conflict("This round is already queued, running or done.")
    matching_round = session.get(MatchingRound, round_id)
    session.refresh(matching_round)
    audit.record(
        session, "round_queued", object_type="round", object_id=round_id, actor_id=actor_id
    )
    work.due(session, "round", round_id)
    return matching_round


def claim(
    session: Session, round_id: int, token: str | None, statuses: tuple[str, ...] = RUNNABLE
) -> bool:
    """Mark a round running, held by ``token``; False unless its status is one of ``statuses``
    (a draft or queued round for a run in this process; a worker takes only queued ones)."""
    started = session.execute(
        update(MatchingRound)
        .where(MatchingRound.id == round_id, MatchingRound.status.in_(statuses))
        .values(status="running", stage="snapshot", heartbeat_at=utcnow(), run_token=token)
        .execution_options(synchronize_session=False)
    )
    return started.rowcount == 1


def execute(
    session: Session, round_id: int, token: str | None = None, progress: Progress = _no_progress
) -> MatchingRound:
    """Run a claimed round; ``progress`` hears each stage. It stores only while ``token`` still
    holds the round (a run declared dead by `fail_stale` cannot store a late result)."""
    matching_round = session.get(MatchingRound, round_id)
    session.refresh(matching_round)
    document, result, locked = _solve(session, matching_round, progress)
    progress("storing")
    held = session.execute(
        update(MatchingRound)
        .where(
            MatchingRound.id == round_id,
            MatchingRound.status == "running",
            MatchingRound.run_token.is_(None)
            if token is None
            else MatchingRound.run_token == token,
        )
        .values(stage="storing")
        .execution_options(synchronize_session=False)
    )
    if held.rowcount != 1:
        raise RoundFailed(WORKER_LOST)
    session.refresh(matching_round)
    try:
        _store(session, matching_round, document, result, locked)
    except SQLAlchemyError as error:
        message = f"The round's proposals could not be stored: {error.__class__.__name__}"
        raise RoundFailed(message) from None
    audit.record(
        session,
        "round_run",
        object_type="round",
        object_id=round_id,
        detail={
            "result_sha256": result["result_sha256"],
            "placed": result["objective"]["placed"],
            "previous_round": matching_round.previous_round_id,
        },
    )
    return matching_round


def record_stage(session: Session, round_id: int, token: str | None, stage: str) -> bool:
    """The stage a running round reached, with a fresh heartbeat; False if the run lost it."""
    moved = session.execute(
        update(MatchingRound)
        .where(
            MatchingRound.id == round_id,
            MatchingRound.status == "running",
            MatchingRound.run_token == token,
        )
        .values(stage=stage, heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return moved.rowcount == 1


def beat(session: Session, round_id: int, token: str) -> bool:
    """A running round's worker is alive; False once the run no longer holds the round."""
    beaten = session.execute(
        update(MatchingRound)
        .where(
            MatchingRound.id == round_id,
            MatchingRound.status == "running",
            MatchingRound.run_token == token,
        )
        .values(heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return beaten.rowcount == 1


def fail_stale(session: Session, older_than_seconds: float) -> list[int]:
    """Running rounds whose worker has been silent too long fail (their work was never stored:
    it is one transaction) and can be run again."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    stale = list(
        session.execute(
            select(MatchingRound.id).where(
                MatchingRound.status == "running", MatchingRound.heartbeat_at < cutoff
            )
        ).scalars()
    )
    failed = []
    for round_id in stale:
        moved = session.execute(
            update(MatchingRound)
            .where(
                MatchingRound.id == round_id,
                MatchingRound.status == "running",
                MatchingRound.heartbeat_at < cutoff,
            )
            .values(
                status="failed",
                stage=None,
                run_token=None,
                error=WORKER_LOST,
                completed_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount == 1:
            audit.record(
                session,
                "round_failed",
                object_type="round",
                object_id=round_id,
                detail={"error": "worker lost"},
            )
            failed.append(round_id)
    return failed


def queued_ids(session: Session, waiting_seconds: float = 0) -> list[int]:
    """Rounds queued at least ``waiting_seconds`` ago and not yet taken by a worker."""
    cutoff = utcnow() - timedelta(seconds=waiting_seconds)
    query = select(MatchingRound.id).where(
        MatchingRound.status == "queued", MatchingRound.queued_at <= cutoff
    )
    return list(session.execute(query.order_by(MatchingRound.id)).scalars())


def record_failure(session: Session, round_id: int, message: str) -> MatchingRound:
    """After a rollback: the round failed, with what went wrong and no proposal."""
    matching_round = session.get(MatchingRound, round_id)
    if matching_round is None:
        raise NotFound("No such round")
    matching_round.status = "failed"
    matching_round.error = message
    matching_round.completed_at = utcnow()
    matching_round.stage = None
    matching_round.run_token = None
    audit.record(
        session, "round_failed", object_type="round", object_id=round_id, detail={"error": message}
    )
    return matching_round


def run_or_fail(session: Session, round_id: int) -> MatchingRound:
    """Run a round; on failure roll back and record the failure. The caller commits either way."""
    try:
        return run(session, round_id)
    except RoundFailed as failure:
        session.rollback()
        return record_failure(session, round_id, str(failure))


def summary(result: dict[str, Any] | None) -> dict[str, Any]:
    """Placed, total and mean score, first-choice share, unmatched and unfilled of a result."""
    if not result:
        return {}
    placed = result["objective"]["placed"]
    total = result["objective"]["total_score"]
    first = result["stability"]["ranks_achieved"].get("1", 0)
    return {
        "placed": placed,
        "total_score": round(total, 3),
        "mean_score": round(total / placed, 3) if placed else 0.0,
        "first_choice_share": round(100 * first / placed) if placed else 0,
        "unmatched": len(result["unmatched"]),
        "unfilled_places": sum(entry["places_left"] for entry in result["unfilled"]),
        "blocking_pairs": result["stability"]["blocking_pairs"],
    }


def compare(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Two results side by side, and the students whose role differs."""
    roles_a = {row["student_id"]: row["role_id"] for row in snapshot.assignments(first)}
    roles_b = {row["student_id"]: row["role_id"] for row in snapshot.assignments(second)}
    changes = [
        (student, roles_a.get(student), roles_b.get(student))
        for student in sorted(set(roles_a) | set(roles_b))
        if roles_a.get(student) != roles_b.get(student)
    ]
    return {"a": summary(first), "b": summary(second), "changes": changes}


def stable_result(matching_round: MatchingRound) -> dict[str, Any]:
    """The stable (deferred acceptance) result of the same snapshot, for comparison."""
    if matching_round.snapshot is None:
        raise Conflict("This round has not run")
    return snapshot.solve(matching_round.snapshot, algorithm="stable")


def has_held(session: Session, student_id: int) -> bool:
    return bool(
        session.execute(
            select(exists().where(Proposal.student_id == student_id, Proposal.status.in_(HELD)))
        ).scalar()
    )
