"""Who the programme reaches: placement rates by group, with small numbers suppressed.

Equality monitoring answers are read here, in aggregate, and nowhere in matching. Nothing here
returns a person's answers: only counts of five people or more, rates and means made from them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from statistics import fmean

from scipy.stats import fisher_exact
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from placement import reference
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
NOT_ASSESSED = "not assessed"
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
# Suppression: the one rule for every table, chart, CSV and page


def _label(value: int) -> str:
    return FEWER_THAN_5 if value < THRESHOLD else WITHHELD


def _bounds(value: int, cap: int) -> tuple[int, int]:
    """What a reader can tell of a hidden cell from its words: under 5, or 5 up to its line."""
    return (0, THRESHOLD - 1) if value < THRESHOLD else (THRESHOLD, max(cap, THRESHOLD))


def _recoverable(values: list[int], hidden: list[bool], caps: list[int], total: int) -> bool:
    """Whether a reader who knows the line's total can work out any hidden cell exactly."""
    known = sum(value for value, gone in zip(values, hidden, strict=True) if not gone)
    bounds = [
        _bounds(value, cap) for value, gone, cap in zip(values, hidden, caps, strict=True) if gone
    ]
    rest = total - known
    low_sum, high_sum = sum(low for low, _ in bounds), sum(high for _, high in bounds)
    for low, high in bounds:
        least = max(low, rest - (high_sum - high))
        most = min(high, rest - (low_sum - low))
        if least >= most:
            return True
    return False


def protect(
    cells: dict[tuple[str, str], int],
    lines: list[tuple[list[tuple[str, str]], int]],
    hidden: set[tuple[str, str]] | None = None,
) -> set[tuple[str, str]]:
    """The cells to hide so that no count under 5 can be read or worked out from the rest.

    ``cells`` maps (row, column) to a count; ``lines`` are the sets of cells whose sum a reader
    knows (a row's total, a column's total) with that sum; ``hidden`` cells are hidden already.
    Every count under 5 is hidden; then, while any line lets a reader pin down a hidden cell
    exactly (knowing the total, the cells shown and that each hidden cell is under 5 or is 5 or
    more, as its words say), the smallest cell still shown on that line is hidden too.
    """
    gone = set(hidden or ()) | {key for key, value in cells.items() if value < THRESHOLD}
    caps = {
        key: min((t for keys, t in lines if key in keys), default=value)
        for key, value in cells.items()
    }
    changed = True
    while changed:
        changed = False
        for keys, total in lines:
            flags = [key in gone for key in keys]
            if not any(flags):
                continue
            values = [cells[key] for key in keys]
            if not _recoverable(values, flags, [caps[key] for key in keys], total):
                continue
            shown = [key for key in keys if key not in gone]
            if shown:
                gone.add(min(shown, key=lambda key: (cells[key], key)))
                changed = True
    return gone


def suppress(counts: dict[str, int], total: int) -> tuple[dict[str, Cell], Cell]:
    """One line of counts and its total as they may be shown: counts under 5 become "fewer than
    5", and whatever would let them be worked out (a cell, or the total) is "withheld"."""
    if total < THRESHOLD:
        return {key: FEWER_THAN_5 for key in counts}, FEWER_THAN_5
    cells = {(key, ""): value for key, value in counts.items()}
    gone = protect(cells, [(list(cells), total)])
    shown: dict[str, Cell] = {
        key: (_label(value) if (key, "") in gone else value) for key, value in counts.items()
    }
    line = list(cells)
    hidden_flags = [key in gone for key in line]
    still = any(hidden_flags) and _recoverable(
        [cells[key] for key in line], hidden_flags, [total] * len(line), total
    )
    return shown, (WITHHELD if still else total)


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


def people(session: Session, student_ids: Iterable[int] | None = None) -> list[Person]:
    query = select(
        StudentProfile.id,
        StudentProfile.rqf_level,
        StudentProfile.university_id,
        *(getattr(EqualityMonitoring, name) for name in ANSWER_FIELDS),
    ).outerjoin(EqualityMonitoring, EqualityMonitoring.user_id == StudentProfile.user_id)
    if student_ids is not None:
        ids = list(student_ids)
        if not ids:
            return []
        query = query.where(StudentProfile.id.in_(ids))
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
    return list(
        session.execute(
            select(MatchingRound)
            .where(MatchingRound.status == "completed", MatchingRound.result.is_not(None))
            .order_by(MatchingRound.completed_at, MatchingRound.id)
        ).scalars()
    )


def programme_population(session: Session) -> Population:
    """Everyone who applied; placed means a confirmed, started or completed placement."""
    cohort = cohort_ids(session)
    scores = {sid: score for sid, score in placed_scores(session).items() if sid in cohort}
    latest: dict[int, str] = {}
    for matching_round in completed_rounds(session):
        for entry in matching_round.result.get("assignments", []):
            latest[row_id(entry["student"])] = PROPOSED_NOT_PLACED
        for entry in matching_round.result.get("unmatched", []):
            latest[row_id(entry["student"])] = reason_category(entry["reason"])
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


# A group is compared with everyone else only when both sides have at least 5 placed and 5 not
# placed, so at least 10 people: below that a rate moves by 10 points or more with one person.
MIN_GROUP_SIZE = 2 * THRESHOLD
SIGNIFICANCE = 0.05
FOUR_FIFTHS_RULE = "four-fifths rule"
FISHER_RULE = "Fisher's exact test"
PLACED, NOT_PLACED = "placed", "not placed"


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
    p_value: float | None = None
    flag_rules: tuple[str, ...] = ()

    @property
    def assessed(self) -> bool:
        return self.flagged is not None


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

    @property
    def total_people_cell(self) -> Cell:
        return self.total_people if self.total_people >= THRESHOLD else FEWER_THAN_5

    @property
    def total_placed_cell(self) -> Cell:
        return self.total_placed if self.total_placed >= THRESHOLD else FEWER_THAN_5


def fisher_p_value(placed: int, people: int, rest_placed: int, rest_people: int) -> float:
    """One-sided Fisher's exact test: the chance of a group placed this rarely or more rarely
    than everyone else if placement did not depend on the group."""
    table = [[placed, people - placed], [rest_placed, rest_people - rest_placed]]
    return float(fisher_exact(table, alternative="less").pvalue)


def _assess(row: GroupRow, counts: tuple[int, int], totals: tuple[int, int]) -> None:
    """Rates, the ratio and the flag, for a group whose figures and everyone else's are shown."""
    placed, people = counts
    total_placed, total_people = totals
    rest_placed, rest_people = total_placed - placed, total_people - people
    rest_not_placed = rest_people - rest_placed
    if isinstance(row.placed, str) or min(rest_placed, rest_not_placed) < THRESHOLD:
        return
    if min(people, rest_people) < MIN_GROUP_SIZE:
        return
    rate, rest_rate = placed / people, rest_placed / rest_people
    row.rest_rate = rest_rate
    row.ratio = rate / rest_rate
    row.p_value = fisher_p_value(placed, people, rest_placed, rest_people)
    rules = []
    if row.ratio < FOUR_FIFTHS:
        rules.append(FOUR_FIFTHS_RULE)
    if row.p_value < SIGNIFICANCE:
        rules.append(FISHER_RULE)
    row.flag_rules = tuple(rules)
    row.flagged = bool(rules)


def _outcome_cells(
    labels: list[str], people: dict[str, int], placed: dict[str, int], people_cells: dict[str, Cell]
) -> set[tuple[str, str]]:
    """Which placed and not-placed counts to hide: a row's total is its people, and each column's
    total is known to the reader (the programme's own figures say how many were placed)."""
    cells: dict[tuple[str, str], int] = {}
    for label in labels:
        cells[(label, PLACED)] = placed[label]
        cells[(label, NOT_PLACED)] = people[label] - placed[label]
    lines = [
        ([(label, PLACED) for label in labels], sum(placed.values())),
        ([(label, NOT_PLACED) for label in labels], sum(people[g] - placed[g] for g in labels)),
    ]
    lines += [
        ([(label, PLACED), (label, NOT_PLACED)], people[label])
        for label in labels
        if isinstance(people_cells[label], int)
    ]
    already = {
        (label, column)
        for label in labels
        if not isinstance(people_cells[label], int)
        for column in (PLACED, NOT_PLACED)
    }
    return protect(cells, lines, already)


def _shown(value: int, hidden: bool) -> Cell:
    return _label(value) if hidden else value


def breakdown(population: Population, dimension: Dimension) -> Breakdown:
    groups: dict[str, list[Person]] = defaultdict(list)
    for person in population.people:
        groups[dimension.group_of(person)].append(person)
    order = list(dimension.order) or sorted(groups, key=lambda g: (g == NOT_KNOWN, g))
    labels = [label for label in order if groups.get(label)]
    total_people = len(population.people)
    people = {g: len(groups[g]) for g in labels}
    placed = {
        g: sum(1 for p in groups[g] if p.student_id in population.placed_scores) for g in labels
    }
    total_placed = sum(placed.values())
    people_cells, people_total = suppress(people, total_people)
    gone = _outcome_cells(labels, people, placed, people_cells)
    rows = []
    for label in labels:
        hidden = (label, PLACED) in gone or (label, NOT_PLACED) in gone
        placed_cell = _shown(placed[label], hidden)
        scores = [
            population.placed_scores[p.student_id]
            for p in groups[label]
            if p.student_id in population.placed_scores
        ]
        known_scores = [score for score in scores if score is not None]
        row = GroupRow(
            label=label,
            people=people_cells[label],
            placed=placed_cell,
            rate=WITHHELD if hidden else placed[label] / people[label],
            rest_rate=NOT_ASSESSED,
            ratio=NOT_ASSESSED,
            flagged=None,
            mean_score=WITHHELD if hidden else (fmean(known_scores) if known_scores else None),
            not_placed=_shown(people[label] - placed[label], hidden),
        )
        _assess(row, (placed[label], people[label]), (total_placed, total_people))
        rows.append(row)
    names = _reasons(rows, groups, population)
    placed_total: Cell = total_placed if total_placed >= THRESHOLD else FEWER_THAN_5
    return Breakdown(dimension, rows, people_total, placed_total, names)


def _reasons(rows: list[GroupRow], groups: dict[str, list[Person]], population: Population):  # type: ignore[no-untyped-def]
    """Why people were not placed, by group: hidden wherever the group's figures are."""
    names = sorted(set(population.reasons.values()))
    counts = {
        row.label: Counter(
            population.reasons[p.student_id]
            for p in groups[row.label]
            if p.student_id in population.reasons
        )
        for row in rows
    }
    cells = {(row.label, name): counts[row.label].get(name, 0) for row in rows for name in names}
    lines = [
        ([(row.label, name) for row in rows], sum(c.get(name, 0) for c in counts.values()))
        for name in names
    ]
    lines += [
        ([(row.label, name) for name in names], sum(counts[row.label].values()))
        for row in rows
        if isinstance(row.not_placed, int)
    ]
    already = {
        (row.label, name) for row in rows if isinstance(row.not_placed, str) for name in names
    }
    gone = protect(cells, lines, already)
    for row in rows:
        row.reasons = {
            name: _shown(cells[(row.label, name)], (row.label, name) in gone) for name in names
        }
    return names


def equity_report(population: Population) -> EquityReport:
    return EquityReport(
        population=population,
        breakdowns=[breakdown(population, dimension) for dimension in DIMENSIONS],
        total_people=len(population.people),
        total_placed=sum(1 for p in population.people if p.student_id in population.placed_scores),
    )
