"""Programme figures: progress against the targets, the funnel, drop-outs and each round."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from placement.models import (
    MatchingRound,
    Offer,
    Placement,
    PlacementRole,
    Proposal,
    StudentProfile,
)
from placement.services import equity, snapshot
from placement.services import rounds as rounds_service
from placement.services.equity import Cell

# ---------------------------------------------------------------------------------------------
# Targets


@dataclass(frozen=True)
class Target:
    label: str
    achieved: int
    target: int

    @property
    def share(self) -> float:
        return self.achieved / self.target if self.target else 0.0


@dataclass(frozen=True)
class Share:
    """The share of placed students in a group, against the cohort that applied."""

    label: str
    placed_count: Cell
    placed_share: float | str | None
    placed_not_known: Cell
    cohort_count: Cell
    cohort_share: float | str | None
    cohort_not_known: Cell
    benchmark: float | None
    benchmark_label: str

    @property
    def met(self) -> bool | None:
        if not isinstance(self.placed_share, float) or self.benchmark is None:
            return None
        return self.placed_share >= self.benchmark


# The dashboard's shares read the equity report's own cells, so both hide the same figures.
SHARE_GROUPS = (
    ("Young women (aged 16 to 24)", "young-women", "Young women", "Everyone else who answered"),
    (
        "Black, Asian and minority ethnic",
        "bame",
        "Black, Asian and minority ethnic",
        "White",
    ),
    ("From a disadvantaged background", "disadvantage", "Disadvantaged", "Not disadvantaged"),
)


def _share(yes: Cell, no: Cell) -> float | str | None:
    if isinstance(yes, int) and isinstance(no, int):
        return yes / (yes + no) if yes + no else None
    return equity.hidden_reason(yes, no)


def shares(session: Session, women_baseline: float) -> list[Share]:
    """Young women, Black, Asian and minority ethnic, and disadvantaged students placed."""
    population = equity.programme_population(session)
    dimensions = {dimension.key: dimension for dimension in equity.DIMENSIONS}
    found = []
    for label, key, yes, no in SHARE_GROUPS:
        rows = {row.label: row for row in equity.breakdown(population, dimensions[key]).rows}
        empty = equity.GroupRow("", 0, 0, 0.0, "", None, None, None)
        yes_row, no_row = rows.get(yes, empty), rows.get(no, empty)
        unknown = rows.get(equity.NOT_KNOWN, empty)
        cohort_share = _share(yes_row.people, no_row.people)
        baseline = women_baseline if key == "young-women" else None
        benchmark = baseline if baseline is not None else cohort_share
        found.append(
            Share(
                label,
                yes_row.placed,
                _share(yes_row.placed, no_row.placed),
                unknown.placed,
                yes_row.people,
                cohort_share,
                unknown.people,
                benchmark if isinstance(benchmark, float) else None,
                f"{baseline:.0%} digital workforce baseline"
                if baseline is not None
                else "share of the cohort that applied",
            )
        )
    return found


def _placements(session: Session) -> list[tuple[int, int]]:
    """(student id, organisation id) of every live or finished placement."""
    return list(
        session.execute(
            select(Placement.student_id, PlacementRole.organisation_id)
            .join(PlacementRole, PlacementRole.id == Placement.role_id)
            .where(Placement.status.in_(equity.PLACED_STATUSES))
        )
    )


def targets(session: Session, config: Mapping[str, Any]) -> list[Target]:
    rows = _placements(session)
    return [
        Target(
            "Students placed",
            len({student for student, _ in rows}),
            int(config["TARGET_STUDENTS_PLACED"]),
        ),
        Target(
            "Start-ups and SMEs hosting a placement",
            len({organisation for _, organisation in rows}),
            int(config["TARGET_ORGANISATIONS"]),
        ),
    ]


# ---------------------------------------------------------------------------------------------
# The funnel


@dataclass(frozen=True)
class Stage:
    label: str
    count: int
    previous: int | None

    @property
    def share_of_previous(self) -> float | None:
        return self.count / self.previous if self.previous else None


def _distinct(session: Session, column, *conditions) -> set[int]:  # type: ignore[no-untyped-def]
    return set(session.execute(select(column).where(*conditions).distinct()).scalars())


def cohort_size(session: Session) -> int:
    """How many student profiles there are: the dashboard's measure of the programme's size."""
    return _count(session, select(func.count(StudentProfile.id)))


def funnel(session: Session) -> list[Stage]:
    """How many students reached each stage, from registering to completing a placement."""
    registered = _distinct(session, StudentProfile.id)
    submitted = equity.cohort_ids(session)
    eligible = submitted & _distinct(session, StudentProfile.id, snapshot.eligible())
    proposed = _distinct(session, Proposal.student_id)
    offered = _distinct(session, Offer.student_id)
    approved = offered | _distinct(
        session, Proposal.student_id, Proposal.status.in_(rounds_service.APPROVED)
    )
    placements = _distinct(session, Placement.student_id)
    accepted = placements | _distinct(session, Offer.student_id, Offer.status == "accepted")
    started = _distinct(session, Placement.student_id, Placement.started_at.is_not(None))
    started |= _distinct(
        session, Placement.student_id, Placement.status.in_(("started", "completed"))
    )
    completed = _distinct(session, Placement.student_id, Placement.status == "completed")
    counts = [
        ("Registered", registered),
        ("Profile submitted", submitted),
        ("Eligible", eligible),
        ("Proposed in a round", proposed),
        ("Approved by a coordinator", approved),
        ("Offered a placement", offered),
        ("Accepted an offer", accepted),
        ("Started", started),
        ("Completed", completed),
    ]
    stages = []
    previous = None
    for label, ids in counts:
        stages.append(Stage(label, len(ids), previous))
        previous = len(ids)
    return stages


@dataclass(frozen=True)
class DropOut:
    stage: str
    reason: str
    count: int


def _count(session: Session, query) -> int:  # type: ignore[no-untyped-def]
    return int(session.execute(query).scalar_one())


def dropouts(session: Session) -> list[DropOut]:
    """Where students leave the funnel, and why, as far as the service knows."""
    profiles = select(func.count(StudentProfile.id))
    found = [
        DropOut(
            "Profile",
            "Still a draft",
            _count(
                session,
                profiles.where(
                    StudentProfile.status == "draft", StudentProfile.submitted_at.is_(None)
                ),
            ),
        ),
        DropOut(
            "Profile",
            "Withdrawn by the student",
            _count(session, profiles.where(StudentProfile.status == "withdrawn")),
        ),
        DropOut(
            "Eligibility",
            "Below Level 6",
            _count(
                session,
                profiles.where(StudentProfile.status == "submitted", StudentProfile.rqf_level < 6),
            ),
        ),
        DropOut(
            "Eligibility",
            "No right to work in the UK",
            _count(
                session,
                profiles.where(
                    StudentProfile.status == "submitted",
                    StudentProfile.right_to_work.is_(False),
                ),
            ),
        ),
    ]
    found += _unmatched_in_latest_round(session)
    offers = select(func.count(Offer.id))
    found += [
        DropOut(
            "Approval",
            "Proposal rejected by a coordinator",
            _count(session, select(func.count(Proposal.id)).where(Proposal.status == "rejected")),
        ),
        DropOut(
            "Offer",
            "Declined by the student",
            _count(session, offers.where(Offer.student_response == "declined")),
        ),
        DropOut(
            "Offer",
            "Declined by the organisation",
            _count(session, offers.where(Offer.organisation_response == "declined")),
        ),
        DropOut(
            "Offer",
            "Expired without an answer",
            _count(session, offers.where(Offer.status == "expired")),
        ),
        DropOut("Offer", "Withdrawn", _count(session, offers.where(Offer.status == "withdrawn"))),
        DropOut(
            "Placement",
            "Withdrawn",
            _count(
                session, select(func.count(Placement.id)).where(Placement.status == "withdrawn")
            ),
        ),
    ]
    return found


def _unmatched_in_latest_round(session: Session) -> list[DropOut]:
    rounds = equity.completed_rounds(session)
    if not rounds:
        return []
    latest = rounds[-1]
    counts = Counter(
        equity.reason_category(reason) for _, reason in equity.digest(session, latest).unmatched
    )
    return [
        DropOut(f"Matching ({latest.name})", reason, count)
        for reason, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def decline_reasons(session: Session, limit: int = 8) -> list[tuple[str, int]]:
    """The reasons most often given for declining an offer (same words, any case)."""
    texts = session.execute(
        select(Offer.decline_reason).where(
            Offer.status == "declined", Offer.decline_reason.is_not(None)
        )
    ).scalars()
    counts = Counter(" ".join(text.split()).capitalize() for text in texts if text.strip())
    return counts.most_common(limit)


# ---------------------------------------------------------------------------------------------
# Rounds


@dataclass(frozen=True)
class RoundFigures:
    id: int
    name: str
    completed_at: Any
    students: int
    placed: int
    mean_score: float | None
    first_choice: int
    unmatched: int
    unfilled_places: int
    approved: int

    @property
    def first_choice_share(self) -> float | None:
        return self.first_choice / self.placed if self.placed else None


def round_figures(session: Session, matching_round: MatchingRound) -> RoundFigures:
    found = equity.digest(session, matching_round)
    approved = _count(
        session,
        select(func.count(Proposal.id)).where(
            Proposal.round_id == matching_round.id,
            Proposal.status.in_(rounds_service.APPROVED),
        ),
    )
    return RoundFigures(
        id=matching_round.id,
        name=matching_round.name,
        completed_at=matching_round.completed_at,
        students=len(found.assigned) + len(found.unmatched),
        placed=found.placed,
        mean_score=fmean(found.scores) if found.scores else None,
        first_choice=found.first_choice,
        unmatched=len(found.unmatched),
        unfilled_places=found.unfilled_places,
        approved=approved,
    )


def rounds(session: Session) -> list[RoundFigures]:
    return [round_figures(session, r) for r in equity.completed_rounds(session)]


def proposal_rows(session: Session, matching_round: MatchingRound) -> list[list[object]]:
    """One row per proposal of a round, for the CSV export (no equality data)."""
    proposals = session.execute(
        select(Proposal).where(Proposal.round_id == matching_round.id).order_by(Proposal.id)
    ).scalars()
    return [
        [
            proposal.id,
            proposal.student_id,
            proposal.student.full_name,
            proposal.role_id,
            proposal.role.title,
            proposal.role.organisation.name,
            f"{proposal.score:.6f}",
            proposal.status,
            "yes" if proposal.locked else "no",
            proposal.rejection_reason or "",
        ]
        for proposal in proposals
    ]


PROPOSAL_HEADER = [
    "proposal_id",
    "student_id",
    "student_name",
    "role_id",
    "role_title",
    "organisation",
    "score",
    "status",
    "locked",
    "rejection_reason",
]

PLACEMENT_HEADER = [
    "placement_id",
    "student_id",
    "student_name",
    "university",
    "role_id",
    "role_title",
    "organisation",
    "companies_house_number",
    "start_date",
    "end_date",
    "status",
    "confirmed_at",
    "started_at",
    "completed_at",
    "withdrawal_reason",
    "student_feedback_rating",
    "student_feedback",
    "organisation_feedback_rating",
    "organisation_feedback",
]


def placement_rows(session: Session) -> list[list[object]]:
    from placement import reference

    universities = reference.universities()
    placements = session.execute(select(Placement).order_by(Placement.id)).scalars()
    return [
        [
            placement.id,
            placement.student_id,
            placement.student.full_name,
            universities.get(placement.student.university_id or "", ""),
            placement.role_id,
            placement.role.title,
            placement.role.organisation.name,
            placement.role.organisation.companies_house_number,
            placement.role.start_date.isoformat(),
            placement.role.end_date.isoformat(),
            placement.status,
            _iso(placement.confirmed_at),
            _iso(placement.started_at),
            _iso(placement.completed_at),
            placement.withdrawal_reason or "",
            *_feedback(placement, "student"),
            *_feedback(placement, "organisation"),
        ]
        for placement in placements
    ]


def _feedback(placement: Placement, side: str) -> list[object]:
    """The rating (1 to 5) and comment one side gave, or two empty cells."""
    given = next((entry for entry in placement.feedback if entry.given_by == side), None)
    return [given.rating, given.comment] if given else ["", ""]


def _iso(moment: Any) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


PROGRAMME_HEADER = ["section", "measure", "value", "target_or_benchmark"]


def programme_rows(session: Session, config: Mapping[str, Any]) -> list[list[object]]:
    """The dashboard's figures as rows: targets, shares, funnel, drop-outs and rounds."""
    rows: list[list[object]] = []
    for target in targets(session, config):
        rows.append(["Targets", target.label, target.achieved, target.target])
    for share in shares(session, float(config["TARGET_WOMEN_SHARE"])):
        rows.append(
            ["Shares of placed students", share.label, percent(share.placed_share), _bench(share)]
        )
        rows.append(["Shares of the cohort", share.label, percent(share.cohort_share), ""])
    for stage in funnel(session):
        rows.append(["Funnel", stage.label, stage.count, ""])
    for dropout in dropouts(session):
        rows.append(["Drop-outs", f"{dropout.stage}: {dropout.reason}", dropout.count, ""])
    for figures in rounds(session):
        rows.append(["Rounds", f"{figures.name}: placed", figures.placed, ""])
        rows.append(["Rounds", f"{figures.name}: mean score", _decimal(figures.mean_score), ""])
        rows.append(
            ["Rounds", f"{figures.name}: first choice", percent(figures.first_choice_share), ""]
        )
        rows.append(["Rounds", f"{figures.name}: unmatched", figures.unmatched, ""])
        rows.append(["Rounds", f"{figures.name}: unfilled places", figures.unfilled_places, ""])
    return rows


def _bench(share: Share) -> str:
    return "" if share.benchmark is None else percent(share.benchmark)


def percent(value: float | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return f"{value:.0%}"


def _decimal(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"
