"""Who the programme reaches: placement rates by group, with small numbers suppressed.

Equality monitoring answers are read here, in aggregate, and nowhere in matching. Nothing here
returns a person's answers: only counts of five people or more, rates and means made from them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from functools import cached_property
from operator import attrgetter
from statistics import fmean

from scipy.stats import fisher_exact
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
from placement.models.students import EQUALITY_FIELDS
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


Key = tuple[str, str]
# A sum a reader knows: each cell with its sign (+1 or -1), and the total.
Line = tuple[dict[Key, int], int]


def _label(value: int) -> str:
    return FEWER_THAN_5 if value < THRESHOLD else WITHHELD


def _narrow(bounds: dict[Key, list[int]], lines: list[Line]) -> None:
    """Tighten each cell's [least, most] from every known sum until nothing changes."""
    changed = True
    while changed:
        changed = False
        for signs, total in lines:
            # The range of the signed sum, cell by cell.
            lows = {k: (bounds[k][0] if sign > 0 else -bounds[k][1]) for k, sign in signs.items()}
            highs = {k: (bounds[k][1] if sign > 0 else -bounds[k][0]) for k, sign in signs.items()}
            low_sum, high_sum = sum(lows.values()), sum(highs.values())
            for key, sign in signs.items():
                least = total - (high_sum - highs[key])
                most = total - (low_sum - lows[key])
                if sign < 0:
                    least, most = -most, -least
                low, high = bounds[key]
                if least > low or most < high:
                    bounds[key] = [max(low, least), min(high, most)]
                    changed = True


def _reader_bounds(
    cells: dict[Key, int], gone: set[Key], lines: list[Line], ceiling: int, labelled: bool
) -> dict[Key, list[int]]:
    """What a reader can tell of every cell: shown ones exactly, hidden ones from their words
    when ``labelled`` ("fewer than 5": 0 to 4; "withheld": 5 or more) and every sum they know."""

    def hidden(value: int) -> list[int]:
        if not labelled:
            return [0, ceiling]
        return [0, THRESHOLD - 1] if value < THRESHOLD else [THRESHOLD, ceiling]

    bounds = {key: hidden(value) if key in gone else [value, value] for key, value in cells.items()}
    _narrow(bounds, lines)
    return bounds


def _forced_zeros(cells: dict[Key, int], lines: list[Line]) -> set[Key]:
    """Cells that the known sums give away whatever is hidden: a sum of 0 makes each of its
    cells 0 (nobody placed means nobody in any group was), and a sum of one cell is that cell
    (a dimension with one group)."""
    zeros = {
        key
        for signs, total in lines
        if total == 0 and all(sign > 0 for sign in signs.values())
        for key in signs
    }
    alone = {key for signs, _ in lines if len(signs) == 1 for key in signs}
    return zeros | alone


def protect(
    cells: dict[Key, int],
    lines: list[Line],
    hidden: set[Key] | None = None,
    *,
    labelled: bool = True,
) -> set[Key]:
    """The cells to hide so that no count under 5 can be read or worked out from the rest.

    ``cells`` maps (row, column) to a count; ``lines`` are the sums a reader knows (a column's
    total, a row's people equal to its placed and not placed) as signed cells and a total;
    ``hidden`` cells are hidden already; ``labelled`` says whether a hidden cell's words tell
    a small count ("fewer than 5") from a large one ("withheld"). Every count under 5 is hidden;
    then, while the figures shown, the words of the hidden ones and the known sums together pin
    down a hidden count, the smallest cell still shown on a sum through it is hidden too.
    """
    gone = set(hidden or ()) | {key for key, value in cells.items() if value < THRESHOLD}
    ceiling = max([*cells.values(), *(abs(total) for _, total in lines), THRESHOLD])
    inevitable = _forced_zeros(cells, lines)
    while True:
        bounds = _reader_bounds(cells, gone, lines, ceiling, labelled)
        pinned = [key for key in sorted(gone - inevitable) if bounds[key][0] == bounds[key][1]]
        candidates = {
            other
            for key in pinned
            for signs, _ in lines
            if key in signs
            for other in signs
            if other not in gone
        }
        if not candidates:
            return gone
        gone.add(min(candidates, key=lambda key: (cells[key], key)))


def suppress(counts: dict[str, int], total: int) -> tuple[dict[str, Cell], Cell]:
    """One line of counts and its total as they may be shown: counts under 5 become "fewer than
    5", and whatever would let them be worked out (a cell, or the total) is "withheld"."""
    if total < THRESHOLD:
        return {key: FEWER_THAN_5 for key in counts}, FEWER_THAN_5
    cells = {(key, ""): value for key, value in counts.items()}
    line: Line = ({key: 1 for key in cells}, total)
    gone = protect(cells, [line])
    shown: dict[str, Cell] = {
        key: (_label(value) if (key, "") in gone else value) for key, value in counts.items()
    }
    bounds = _reader_bounds(cells, gone, [line], total, labelled=True)
    pinned = any(bounds[key][0] >= bounds[key][1] for key in gone)
    return shown, (WITHHELD if pinned else total)


def hidden_reason(*cells: Cell) -> str | None:
    """Why a figure made from these cells is not shown, or None when it can be."""
    if any(cell == FEWER_THAN_5 for cell in cells):
        return FEWER_THAN_5
    if any(cell == WITHHELD for cell in cells):
        return WITHHELD
    return None


# ---------------------------------------------------------------------------------------------
# Populations


ANSWER_FIELDS = EQUALITY_FIELDS  # the equality answers, in the order the report reads them


# Everything of a Person that a dimension may read: all but the student id.
KIND_FIELDS = tuple(item.name for item in fields(Person) if item.name != "student_id")


@dataclass
class Tally:
    """People counted together: how many, how many placed, why the others were not, and the
    known scores of those placed."""

    people: int = 0
    placed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    scores: list[float] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.people += other.people
        self.placed += other.placed
        for reason, count in other.reasons.items():
            self.reasons[reason] = self.reasons.get(reason, 0) + count
        self.scores.extend(other.scores)


@dataclass
class Population:
    """Who was counted, who was placed (with a score), and why the others were not."""

    people: list[Person]
    placed_scores: dict[int, float | None]
    reasons: dict[int, str]
    description: str

    @cached_property
    def kinds(self) -> list[tuple[Person, Tally]]:
        """People with the same answers, level and university, tallied together (one of them
        and the tally): every dimension puts them in the same group, so each groups a few
        thousand kinds of people instead of every person."""
        found: dict[tuple[object, ...], tuple[Person, Tally]] = {}
        kind_of = attrgetter(*KIND_FIELDS)
        for person in self.people:
            key = kind_of(person)
            if key not in found:
                found[key] = (person, Tally())
            tally = found[key][1]
            tally.people += 1
            if person.student_id in self.placed_scores:
                tally.placed += 1
                score = self.placed_scores[person.student_id]
                if score is not None:
                    tally.scores.append(score)
            reason = self.reasons.get(person.student_id)
            if reason is not None:
                tally.reasons[reason] = tally.reasons.get(reason, 0) + 1
        return list(found.values())


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
    # Positional, in the order of Person's fields (ANSWER_FIELDS are its answers in order).
    return [
        Person(student_id, *answers, rqf_level, university_id)
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
    hidden = any(isinstance(cell, str) for cell in (row.people, row.placed, row.not_placed))
    if hidden or min(rest_placed, rest_not_placed) < THRESHOLD:
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


PEOPLE = "people"


def _group_cells(
    labels: list[str], groups: dict[str, Tally], population: Population
) -> tuple[dict[Key, int], list[Line], list[str]]:
    """Every count the report shows for a dimension, and every sum a reader knows among them:
    each column's total (the programme's own figures give them), and within each group
    people = placed + not placed and not placed = the sum of its reasons."""
    names = sorted(set(population.reasons.values()))
    cells: dict[Key, int] = {}
    for label in labels:
        group = groups[label]
        cells[(label, PEOPLE)] = group.people
        cells[(label, PLACED)] = group.placed
        cells[(label, NOT_PLACED)] = group.people - group.placed
        for name in names:
            cells[(label, name)] = group.reasons.get(name, 0)
    lines: list[Line] = []
    for column in (PEOPLE, PLACED, NOT_PLACED, *names):
        keys = {(label, column): 1 for label in labels}
        lines.append((keys, sum(cells[key] for key in keys)))
    for label in labels:
        lines.append(({(label, PEOPLE): 1, (label, PLACED): -1, (label, NOT_PLACED): -1}, 0))
        if names:
            reasons_line = {(label, name): 1 for name in names}
            lines.append(({**reasons_line, (label, NOT_PLACED): -1}, 0))
    return cells, lines, names


def _shown(cells: dict[Key, int], gone: set[Key], key: Key) -> Cell:
    """In the report's tables every hidden count reads "withheld", small or not: words that
    told a small count from a large one would themselves narrow what a reader can work out."""
    return WITHHELD if key in gone else cells[key]


def groups_of(population: Population, dimension: Dimension) -> dict[str, Tally]:
    """The population's people tallied by their group in the dimension."""
    groups: dict[str, Tally] = defaultdict(Tally)
    for person, tally in population.kinds:
        groups[dimension.group_of(person)].add(tally)
    return groups


def breakdown(population: Population, dimension: Dimension) -> Breakdown:
    groups = groups_of(population, dimension)
    order = list(dimension.order) or sorted(groups, key=lambda g: (g == NOT_KNOWN, g))
    labels = [label for label in order if label in groups]
    total_people = len(population.people)
    cells, lines, names = _group_cells(labels, groups, population)
    gone: set[Key] = set()
    while True:
        gone = protect(cells, lines, gone, labelled=False)
        # A group with any of its people, placed or not placed hidden shows no outcome at all.
        whole = {
            (label, column)
            for label in labels
            if {(label, PEOPLE), (label, PLACED), (label, NOT_PLACED)} & gone
            for column in (PLACED, NOT_PLACED, *names)
        }
        if whole <= gone:
            break
        gone |= whole
    total_placed = sum(cells[(label, PLACED)] for label in labels)
    rows = []
    for label in labels:
        hidden = (label, PLACED) in gone
        people, placed = cells[(label, PEOPLE)], cells[(label, PLACED)]
        known_scores = groups[label].scores
        row = GroupRow(
            label=label,
            people=_shown(cells, gone, (label, PEOPLE)),
            placed=_shown(cells, gone, (label, PLACED)),
            rate=WITHHELD if hidden else placed / people,
            rest_rate=NOT_ASSESSED,
            ratio=NOT_ASSESSED,
            flagged=None,
            mean_score=WITHHELD if hidden else (fmean(known_scores) if known_scores else None),
            not_placed=_shown(cells, gone, (label, NOT_PLACED)),
            reasons={name: _shown(cells, gone, (label, name)) for name in names},
        )
        _assess(row, (placed, people), (total_placed, total_people))
        rows.append(row)
    people_total: Cell = total_people if total_people >= THRESHOLD else FEWER_THAN_5
    placed_total: Cell = total_placed if total_placed >= THRESHOLD else FEWER_THAN_5
    return Breakdown(dimension, rows, people_total, placed_total, names)


def equity_report(population: Population) -> EquityReport:
    return EquityReport(
        population=population,
        breakdowns=[breakdown(population, dimension) for dimension in DIMENSIONS],
        total_people=len(population.people),
        total_placed=sum(1 for p in population.people if p.student_id in population.placed_scores),
    )
