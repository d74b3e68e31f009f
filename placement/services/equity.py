"""Who the programme reaches: placement rates by group, with small numbers suppressed.

Equality monitoring answers are read here, in aggregate, and nowhere in matching. Nothing here
returns a person's answers: only counts of five people or more, rates and means made from them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from statistics import fmean

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, defer

from placement import reference
from placement.cache import BoundedCache
from placement.models import (
    EqualityMonitoring,
    MatchingRound,
    Offer,
    Placement,
    Proposal,
    StudentProfile,
)
from placement.services.snapshot import row_id

THRESHOLD = 5
FEWER_THAN_5 = "fewer than 5"
WITHHELD = "withheld"
FOUR_FIFTHS = 0.8
NOT_KNOWN = "Not known"
PLACED_STATUSES = ("confirmed", "started", "completed")

GENDERS = {"woman": "Women", "man": "Men", "non-binary": "Non-binary", "self-describe": "Other"}
ETHNICITIES = {
    "asian": "Asian",
    "black": "Black",
    "mixed": "Mixed",
    "white": "White",
    "other": "Other ethnic group",
}
BAME = ("asian", "black", "mixed", "other")
YES_NO = {"yes": "Yes", "no": "No"}

Cell = int | str


@dataclass(frozen=True)
class Person:
    """One student as reporting sees them: equality answers and course, no name or contact."""

    student_id: int
    gender: str | None = None
    age_band: str | None = None
    ethnicity: str | None = None
    disability: str | None = None
    first_in_family: str | None = None
    free_school_meals: str | None = None
    rqf_level: int | None = None
    university_id: str | None = None


def is_young_woman(person: Person) -> bool | None:
    """A woman aged 16-24; None when the answers needed are not known."""
    if person.gender not in GENDERS:
        return None
    if person.gender != "woman":
        return False
    if person.age_band in (None, "prefer-not-to-say"):
        return None
    return person.age_band == "16-24"


def is_bame(person: Person) -> bool | None:
    if person.ethnicity not in ETHNICITIES:
        return None
    return person.ethnicity in BAME


def is_disadvantaged(person: Person) -> bool | None:
    """Received free school meals or first in family at university; no to both is not."""
    answers = (person.free_school_meals, person.first_in_family)
    if "yes" in answers:
        return True
    if answers == ("no", "no"):
        return False
    return None


def _yes_no_group(answer: bool | None, yes: str, no: str) -> str:
    return NOT_KNOWN if answer is None else (yes if answer else no)


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    group_of: Callable[[Person], str]
    order: tuple[str, ...] = ()


def _university(person: Person) -> str:
    return reference.universities().get(person.university_id or "", NOT_KNOWN)


DIMENSIONS = (
    Dimension(
        "gender",
        "Gender",
        lambda p: GENDERS.get(p.gender or "", NOT_KNOWN),
        (*GENDERS.values(), NOT_KNOWN),
    ),
    Dimension(
        "young-women",
        "Young women (aged 16 to 24)",
        lambda p: _yes_no_group(is_young_woman(p), "Young women", "Everyone else who answered"),
        ("Young women", "Everyone else who answered", NOT_KNOWN),
    ),
    Dimension(
        "ethnicity",
        "Ethnic group",
        lambda p: ETHNICITIES.get(p.ethnicity or "", NOT_KNOWN),
        (*ETHNICITIES.values(), NOT_KNOWN),
    ),
    Dimension(
        "bame",
        "Black, Asian and minority ethnic",
        lambda p: _yes_no_group(is_bame(p), "Black, Asian and minority ethnic", "White"),
        ("Black, Asian and minority ethnic", "White", NOT_KNOWN),
    ),
    Dimension(
        "disability",
        "Disability",
        lambda p: {"yes": "Disabled", "no": "Not disabled"}.get(p.disability or "", NOT_KNOWN),
        ("Disabled", "Not disabled", NOT_KNOWN),
    ),
    Dimension(
        "disadvantage",
        "Disadvantaged background",
        lambda p: _yes_no_group(is_disadvantaged(p), "Disadvantaged", "Not disadvantaged"),
        ("Disadvantaged", "Not disadvantaged", NOT_KNOWN),
    ),
    Dimension(
        "rqf-level",
        "Level of study",
        lambda p: f"Level {p.rqf_level}" if p.rqf_level else NOT_KNOWN,
    ),
    Dimension("university", "University", _university),
)

# Why a student stayed unmatched, by the leading phrase of the engine's reason.
REASON_CATEGORIES = (
    ("there are no roles", "No roles in the round"),
    ("no role meets every rule", "No role meets every rule"),
    ("had no place left", "Suitable roles were taken"),
    ("scored below the minimum score", "Scores below the minimum"),
)
PROPOSED_NOT_PLACED = "Proposed, not placed"
NOT_IN_A_ROUND = "Not yet in a matching round"


def reason_category(reason: str) -> str:
    for phrase, category in REASON_CATEGORIES:
        if phrase in reason:
            return category
    return "Other reason"


# ---------------------------------------------------------------------------------------------
# Suppression


def suppress(counts: dict[str, int], total: int) -> tuple[dict[str, Cell], Cell]:
    """Counts under 5 become "fewer than 5"; when that hides a single cell, the next smallest
    cell (or, if there is none, the total) is withheld so subtraction cannot reveal it."""
    shown: dict[str, Cell] = {
        key: (FEWER_THAN_5 if value < THRESHOLD else value) for key, value in counts.items()
    }
    shown_total: Cell = FEWER_THAN_5 if total < THRESHOLD else total
    hidden = [key for key, value in shown.items() if value == FEWER_THAN_5]
    if len(hidden) == 1 and shown_total != FEWER_THAN_5:
        visible = [key for key, value in shown.items() if isinstance(value, int)]
        if visible:
            shown[min(visible, key=lambda key: (counts[key], key))] = WITHHELD
        else:
            shown_total = WITHHELD
    return shown, shown_total


def hidden_reason(*cells: Cell) -> str | None:
    """Why a figure made from these cells is not shown, or None when it can be."""
    if any(cell == FEWER_THAN_5 for cell in cells):
        return FEWER_THAN_5
    if any(cell == WITHHELD for cell in cells):
        return WITHHELD
    return None


# ---------------------------------------------------------------------------------------------
# Populations


@dataclass
class Population:
    """Who was counted, who was placed (with a score), and why the others were not."""

    people: list[Person]
    placed_scores: dict[int, float | None]
    reasons: dict[int, str]
    description: str


ANSWER_FIELDS = (
    "gender",
    "age_band",
    "ethnicity",
    "disability",
    "first_in_family",
    "free_school_meals",
)


IN_LIST_LIMIT = 1_000


def people(session: Session, student_ids: Iterable[int] | None = None) -> list[Person]:
    query = select(
        StudentProfile.id,
        StudentProfile.rqf_level,
        StudentProfile.university_id,
        *(getattr(EqualityMonitoring, name) for name in ANSWER_FIELDS),
    ).outerjoin(EqualityMonitoring, EqualityMonitoring.user_id == StudentProfile.user_id)
    wanted: set[int] | None = None
    if student_ids is not None:
        wanted = set(student_ids)
        if not wanted:
            return []
        if len(wanted) <= IN_LIST_LIMIT:
            query = query.where(StudentProfile.id.in_(wanted))
    # A national cohort is read whole and kept in Python: an IN list of 40,000 ids is slower.
    return [
        Person(
            student_id,
            rqf_level=rqf_level,
            university_id=university_id,
            **dict(zip(ANSWER_FIELDS, answers, strict=True)),
        )
        for student_id, rqf_level, university_id, *answers in session.execute(
            query.order_by(StudentProfile.id)
        )
        if wanted is None or student_id in wanted
    ]


def placed_scores(session: Session) -> dict[int, float | None]:
    """Student id -> score of the proposal behind their placement, for everyone placed."""
    rows = session.execute(
        select(Placement.student_id, Proposal.score)
        .join(Offer, Offer.id == Placement.offer_id)
        .outerjoin(Proposal, Proposal.id == Offer.proposal_id)
        .where(Placement.status.in_(PLACED_STATUSES))
    )
    return dict(rows.all())


def cohort_ids(session: Session) -> set[int]:
    """Students who applied: a submitted profile, withdrawn after submitting, or placed."""
    placed = select(Placement.student_id).where(Placement.status.in_(PLACED_STATUSES))
    rows = session.execute(
        select(StudentProfile.id).where(
            or_(
                StudentProfile.status == "submitted",
                StudentProfile.submitted_at.is_not(None),
                StudentProfile.id.in_(placed),
            )
        )
    )
    return set(rows.scalars())


def completed_rounds(session: Session) -> list[MatchingRound]:
    """Rounds that ran, oldest first; their (large) documents load only when read."""
    return list(
        session.execute(
            select(MatchingRound)
            .where(MatchingRound.status == "completed", MatchingRound.result.is_not(None))
            .options(defer(MatchingRound.snapshot), defer(MatchingRound.result))
            .order_by(MatchingRound.completed_at, MatchingRound.id)
        ).scalars()
    )


@dataclass(frozen=True)
class RoundDigest:
    """What the reports read from a round's stored documents, which never change once it ran."""

    assigned: tuple[int, ...]
    unmatched: tuple[tuple[int, str], ...]
    scores: tuple[float, ...]
    placed: int
    first_choice: int
    unfilled_places: int


_digests: BoundedCache[tuple[int, str], RoundDigest] = BoundedCache(32)


def digest(session: Session, matching_round: MatchingRound) -> RoundDigest:
    """The round's digest, read from its documents once per process."""

    def build() -> RoundDigest:
        document, result = session.execute(
            select(MatchingRound.snapshot, MatchingRound.result).where(
                MatchingRound.id == matching_round.id
            )
        ).one()
        result = result or {}
        assignments = result.get("assignments", [])
        first_choices = {
            entry["id"]: entry["preferences"][0]
            for entry in (document or {}).get("students", [])
            if entry.get("preferences")
        }
        return RoundDigest(
            assigned=tuple(row_id(entry["student"]) for entry in assignments),
            unmatched=tuple(
                (row_id(entry["student"]), entry["reason"]) for entry in result.get("unmatched", [])
            ),
            scores=tuple(entry["score"] for entry in assignments),
            placed=int(result.get("objective", {}).get("placed", len(assignments))),
            first_choice=sum(
                1 for entry in assignments if first_choices.get(entry["student"]) == entry["role"]
            ),
            unfilled_places=sum(int(e["places_left"]) for e in result.get("unfilled", [])),
        )

    return _digests.get(identity(matching_round), build)


def identity(matching_round: MatchingRound) -> tuple[int, str]:
    """What identifies a completed round's documents in a cache: its id, hash and completion."""
    return (
        matching_round.id,
        f"{matching_round.result_sha256}:{matching_round.completed_at}",
    )


def programme_population(session: Session) -> Population:
    """Everyone who applied; placed means a confirmed, started or completed placement."""
    cohort = cohort_ids(session)
    scores = {sid: score for sid, score in placed_scores(session).items() if sid in cohort}
    latest: dict[int, str] = {}
    for matching_round in completed_rounds(session):
        found = digest(session, matching_round)
        for student_id in found.assigned:
            latest[student_id] = PROPOSED_NOT_PLACED
        for student_id, reason in found.unmatched:
            latest[student_id] = reason_category(reason)
    reasons = {sid: latest.get(sid, NOT_IN_A_ROUND) for sid in cohort if sid not in scores}
    return Population(people(session, cohort), scores, reasons, "everyone who submitted a profile")


def round_population(session: Session, matching_round: MatchingRound) -> Population:
    """The students in one round; placed means proposed in that round."""
    result = matching_round.result or {}
    unmatched = {row_id(e["student"]): e["reason"] for e in result.get("unmatched", [])}
    proposals = session.execute(
        select(Proposal.student_id, Proposal.score).where(Proposal.round_id == matching_round.id)
    )
    scores: dict[int, float | None] = dict(proposals.all())
    for entry in result.get("assignments", []):
        scores.setdefault(row_id(entry["student"]), entry.get("score"))
    reasons = {sid: reason_category(text) for sid, text in unmatched.items() if sid not in scores}
    ids = set(scores) | set(unmatched)
    return Population(
        people(session, ids), scores, reasons, f"the students in {matching_round.name}"
    )


# ---------------------------------------------------------------------------------------------
# The report


@dataclass
class GroupRow:
    label: str
    people: Cell
    placed: Cell
    rate: float | str
    rest_rate: float | str
    ratio: float | str | None
    flagged: bool | None
    mean_score: float | str | None
    reasons: dict[str, Cell] = field(default_factory=dict)
    not_placed: Cell = 0


@dataclass
class Breakdown:
    dimension: Dimension
    rows: list[GroupRow]
    total_people: Cell
    total_placed: Cell
    reason_names: list[str]

    @property
    def flagged(self) -> list[GroupRow]:
        return [row for row in self.rows if row.flagged]


@dataclass
class EquityReport:
    population: Population
    breakdowns: list[Breakdown]
    total_people: int
    total_placed: int


def _rate(placed: int, people: int) -> float | None:
    return placed / people if people else None


def _row(
    label: str,
    members: list[Person],
    population: Population,
    totals: tuple[int, int],
    cells: tuple[Cell, Cell],
) -> GroupRow:
    total_people, total_placed = totals
    people_cell, placed_cell = cells
    n = len(members)
    placed = [p for p in members if p.student_id in population.placed_scores]
    rest_n, rest_placed = total_people - n, total_placed - len(placed)
    raw_rate, raw_rest = _rate(len(placed), n), _rate(rest_placed, rest_n)
    hidden = hidden_reason(people_cell, placed_cell)
    rest_hidden = hidden or (
        FEWER_THAN_5 if rest_n < THRESHOLD or rest_placed < THRESHOLD else None
    )
    scores = [population.placed_scores[p.student_id] for p in placed]
    known_scores = [score for score in scores if score is not None]
    ratio: float | str | None = None
    if rest_hidden:
        ratio = rest_hidden
    elif raw_rate is not None and raw_rest:
        ratio = raw_rate / raw_rest
    flagged = None
    if n >= THRESHOLD and rest_n >= THRESHOLD and raw_rest and raw_rate is not None:
        flagged = raw_rate / raw_rest < FOUR_FIFTHS
    mean: float | str | None = None
    if hidden:
        mean = hidden
    elif known_scores:
        mean = fmean(known_scores)
    return GroupRow(
        label=label,
        people=people_cell,
        placed=placed_cell,
        rate=hidden or (raw_rate if raw_rate is not None else 0.0),
        rest_rate=rest_hidden or (raw_rest if raw_rest is not None else 0.0),
        ratio=ratio,
        flagged=flagged,
        mean_score=mean,
    )


def _reasons(rows: list[GroupRow], groups: dict[str, list[Person]], population: Population):  # type: ignore[no-untyped-def]
    names: set[str] = set(population.reasons.values())
    for row in rows:
        members = groups[row.label]
        counts = Counter(
            population.reasons[p.student_id] for p in members if p.student_id in population.reasons
        )
        not_placed = sum(counts.values())
        row.reasons, row.not_placed = suppress(
            {name: counts.get(name, 0) for name in names if counts.get(name)}, not_placed
        )
    return sorted(names)


def breakdown(population: Population, dimension: Dimension) -> Breakdown:
    groups: dict[str, list[Person]] = defaultdict(list)
    for person in population.people:
        groups[dimension.group_of(person)].append(person)
    order = list(dimension.order) or sorted(groups, key=lambda g: (g == NOT_KNOWN, g))
    labels = [label for label in order if groups.get(label)]
    total_people = len(population.people)
    total_placed = sum(1 for p in population.people if p.student_id in population.placed_scores)
    people_cells, people_total = suppress({g: len(groups[g]) for g in labels}, total_people)
    placed_counts = {
        g: sum(1 for p in groups[g] if p.student_id in population.placed_scores) for g in labels
    }
    placed_cells, placed_total = suppress(placed_counts, total_placed)
    rows = [
        _row(
            label,
            groups[label],
            population,
            (total_people, total_placed),
            (people_cells[label], placed_cells[label]),
        )
        for label in labels
    ]
    names = _reasons(rows, groups, population)
    return Breakdown(dimension, rows, people_total, placed_total, names)


def equity_report(population: Population) -> EquityReport:
    return EquityReport(
        population=population,
        breakdowns=[breakdown(population, dimension) for dimension in DIMENSIONS],
        total_people=len(population.people),
        total_placed=sum(1 for p in population.people if p.student_id in population.placed_scores),
    )
