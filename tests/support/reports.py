"""A small programme with hand-counted figures, built straight from the models.

Twenty students submitted a profile (ten women, ten men) and two more are still drafts. One
completed round proposed fifteen of them; fourteen took up a placement with one of three
organisations. The expected figures are counted by hand in the docstrings of the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

from placement.extensions import db
from placement.models import (
    EqualityMonitoring,
    MatchingRound,
    Offer,
    Placement,
    PlacementRole,
    Proposal,
    StudentProfile,
)
from placement.models._types import utcnow
from support.factories import create_organisation, create_role, create_student

NO_RULE = (
    "no role meets every rule: 1 role needs a required skill you do not have at the asked level"
)
TAKEN = "1 suitable role had no place left for you in the best overall assignment"

# number: (gender, age band, ethnicity, free school meals, first in family, disability, placed)
COHORT: dict[int, tuple[str, str, str, str, str, str, bool]] = {
    1: ("woman", "16-24", "black", "yes", "no", "no", True),
    2: ("woman", "16-24", "black", "no", "yes", "no", True),
    3: ("woman", "16-24", "asian", "no", "no", "no", True),
    4: ("woman", "16-24", "asian", "yes", "yes", "yes", True),
    5: ("woman", "16-24", "white", "no", "no", "no", True),
    6: ("woman", "25-29", "white", "no", "no", "no", True),
    7: ("woman", "16-24", "black", "yes", "no", "no", False),
    8: ("woman", "16-24", "mixed", "no", "no", "no", False),
    9: ("woman", "16-24", "other", "prefer-not-to-say", "no", "no", False),
    10: ("woman", "25-29", "other", "yes", "no", "yes", False),
    11: ("man", "16-24", "black", "no", "no", "no", True),
    12: ("man", "16-24", "black", "yes", "no", "no", True),
    13: ("man", "25-29", "asian", "no", "yes", "no", True),
    14: ("man", "25-29", "asian", "no", "no", "no", True),
    15: ("man", "30+", "white", "no", "no", "no", True),
    16: ("man", "16-24", "white", "no", "no", "no", True),
    17: ("man", "16-24", "white", "yes", "no", "no", True),
    18: ("man", "16-24", "prefer-not-to-say", "no", "no", "no", True),
    19: ("man", "25-29", "white", "no", "no", "no", False),
    20: (
        "man",
        "16-24",
        "prefer-not-to-say",
        "prefer-not-to-say",
        "prefer-not-to-say",
        "no",
        False,
    ),
}


@dataclass
class Programme:
    students: dict[int, StudentProfile] = field(default_factory=dict)
    roles: dict[str, PlacementRole] = field(default_factory=dict)
    round: MatchingRound | None = None


def add_equality(profile: StudentProfile, **answers: str) -> None:
    db.session.add(EqualityMonitoring(user_id=profile.user_id, **answers))
    db.session.commit()


def equality_student(
    gender: str | None,
    age_band: str | None = None,
    ethnicity: str | None = None,
    free_school_meals: str | None = None,
    first_in_family: str | None = None,
    disability: str | None = None,
    **fields: Any,
) -> StudentProfile:
    profile = create_student(**fields)
    answers = {
        "gender": gender,
        "age_band": age_band,
        "ethnicity": ethnicity,
        "free_school_meals": free_school_meals,
        "first_in_family": first_in_family,
        "disability": disability,
    }
    if any(answers.values()):
        add_equality(profile, **answers)
    return profile


def completed_round(
    name: str,
    *,
    assignments: list[tuple[StudentProfile, PlacementRole, float]],
    unmatched: list[tuple[StudentProfile, str]] = (),  # type: ignore[assignment]
    preferences: dict[int, list[PlacementRole]] | None = None,
    unfilled: list[tuple[PlacementRole, int]] = (),  # type: ignore[assignment]
) -> MatchingRound:
    """A completed round with its snapshot, result and one proposal per assignment."""
    preferences = preferences or {}
    everyone = [student for student, _, _ in assignments] + [s for s, _ in unmatched]
    matching_round = MatchingRound(
        name=name,
        status="completed",
        completed_at=utcnow(),
        snapshot={
            "format": "placement-round/1",
            "students": [
                {
                    "id": f"student-{s.id}",
                    "preferences": [f"role-{r.id}" for r in preferences.get(s.id, [])],
                }
                for s in everyone
            ],
            "roles": [],
        },
        result={
            "format": "placement-result/1",
            "objective": {"placed": len(assignments), "total_score": 0},
            "assignments": [
                {"student": f"student-{s.id}", "role": f"role-{r.id}", "score": score}
                for s, r, score in assignments
            ],
            "unmatched": [
                {"student": f"student-{s.id}", "reason": reason} for s, reason in unmatched
            ],
            "unfilled": [{"role": f"role-{r.id}", "places_left": n} for r, n in unfilled],
            "stability": {"blocking_pairs": 0, "examples": [], "ranks_achieved": {}},
        },
    )
    db.session.add(matching_round)
    db.session.flush()
    for student, role, score in assignments:
        db.session.add(
            Proposal(
                round_id=matching_round.id,
                student_id=student.id,
                role_id=role.id,
                score=score,
                status="offered",
            )
        )
    db.session.commit()
    return matching_round


def offer_and_place(
    matching_round: MatchingRound,
    student: StudentProfile,
    *,
    offer_status: str = "accepted",
    placement_status: str | None = "confirmed",
    decline_reason: str | None = None,
) -> Offer:
    proposal = next(p for p in matching_round.proposals if p.student_id == student.id)
    offer = Offer(
        proposal_id=proposal.id,
        student_id=student.id,
        role_id=proposal.role_id,
        status=offer_status,
        student_response="declined" if offer_status == "declined" else "accepted",
        organisation_response="accepted",
        decline_reason=decline_reason,
        deadline=utcnow() + timedelta(days=7),
    )
    db.session.add(offer)
    db.session.flush()
    if placement_status:
        started = utcnow() if placement_status in ("started", "completed") else None
        db.session.add(
            Placement(
                offer_id=offer.id,
                student_id=student.id,
                role_id=proposal.role_id,
                status=placement_status,
                started_at=started,
                completed_at=utcnow() if placement_status == "completed" else None,
            )
        )
    db.session.commit()
    return offer


def build_programme() -> Programme:
    """The hand-counted programme described in the module docstring."""
    programme = Programme()
    for number, (gender, age, ethnicity, meals, first, disability, _) in COHORT.items():
        fields: dict[str, Any] = {"rqf_level": 7 if 11 <= number <= 15 else 6}
        if number == 19:
            fields["status"] = "withdrawn"
        if number == 20:
            fields["right_to_work"] = False
        programme.students[number] = equality_student(
            gender, age, ethnicity, meals, first, disability, **fields
        )
    create_student(submitted=False)
    create_student(submitted=False)
    organisations = [create_organisation()[0] for _ in range(3)]
    roles = programme.roles
    roles["a"] = create_role(organisations[0], title="Data analyst", places=10)
    roles["b"] = create_role(organisations[1], title="Developer", places=10)
    roles["c"] = create_role(organisations[2], title="Designer", places=5)
    students = programme.students

    def role_for(number: int) -> PlacementRole:
        return roles["a"] if number <= 7 else roles["b"] if number <= 16 else roles["c"]

    proposed = [n for n in COHORT if COHORT[n][6]] + [7]
    scores = {n: (0.6 if n <= 6 else 0.8) for n in proposed} | {7: 0.5}
    preferences = {students[n].id: [roles["a"]] for n in range(1, 7)}
    preferences |= {students[n].id: [roles["c"], roles["b"]] for n in range(11, 19)}
    preferences[students[7].id] = [roles["b"]]
    programme.round = completed_round(
        "Summer round",
        assignments=[(students[n], role_for(n), scores[n]) for n in proposed],
        unmatched=[(students[n], NO_RULE) for n in (8, 9, 10)] + [(students[19], TAKEN)],
        preferences=preferences,
        unfilled=[(roles["c"], 3)],
    )
    for number in proposed:
        if number == 7:
            offer_and_place(
                programme.round,
                students[7],
                offer_status="declined",
                placement_status=None,
                decline_reason="Accepted another job",
            )
            continue
        status = "confirmed" if number <= 6 else "started" if number <= 14 else "completed"
        offer_and_place(programme.round, students[number], placement_status=status)
    return programme


def small_cohort(size: int, women: int, placed_women: int, placed_men: int) -> MatchingRound:
    """`size` students (`women` of them women, the rest men), placed through one round."""
    _, _ = create_organisation()
    organisation = create_organisation()[0]
    role = create_role(organisation, places=10, start_date=date(2027, 7, 1))
    people = [
        equality_student("woman" if index < women else "man", "16-24", "white", "no", "no", "no")
        for index in range(size)
    ]
    chosen = people[:placed_women] + people[women : women + placed_men]
    matching_round = completed_round(
        "Small round",
        assignments=[(student, role, 0.7) for student in chosen],
        unmatched=[(student, TAKEN) for student in people if student not in chosen],
    )
    for student in chosen:
        offer_and_place(matching_round, student)
    return matching_round


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None and self._rows is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[" ".join((self._caption or "").split())] = self._rows
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self._caption = (self._caption or "") + data
        elif self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    """Every table on a page by its caption: rows of cell texts, the header row first."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables
