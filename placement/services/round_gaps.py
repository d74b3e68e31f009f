"""What stands between a round's unmatched students and its empty places, from the engine's rules.

A sub-round of only the unmatched students and the roles with places left goes through the
matching package's public functions: `prepare` gives each hard rule's pass/fail for every pair,
`pool_size` the students each relaxation of a role would admit, and `prepare` again on a role
moved by a week. Nothing here re-implements a rule, so the figures are the engine's own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

import matching
from placement.models import MatchingRound, Skill
from placement.services import snapshot

RULE_WORDS = {
    "min_rqf_level": "The role asks for a higher level of study",
    "right_to_work": "The student has no right to work in the UK",
    "dates": "The role's dates fall outside the student's availability",
    "hours_per_week": "The role needs more hours a week than the student offers",
    "work_mode": "The student did not choose the role's way of working",
    "skills": "The student lacks a required skill at the level asked",
    "forbidden": "A coordinator excluded the pair",
}
CHANGES_SHOWN = 5
ROLES_EXAMINED = 30  # of the roles a change could help, those with most places left
WEEK = timedelta(days=7)
# Pairs of unmatched students and roles with places left worked out within a page request when
# a round's gaps were not stored (rounds run before they were); larger ones take seconds to
# minutes and are only ever worked out by the round's job.
IN_REQUEST_PAIRS = 1_000_000


@dataclass(frozen=True)
class RuleCount:
    rule: str
    words: str
    pairs: int


@dataclass(frozen=True)
class Change:
    """One change to one role and how many of the unmatched it could place."""

    role_key: str
    words: str
    students: int
    could_place: int

    @property
    def role_id(self) -> int:
        return snapshot.row_id(self.role_key)


@dataclass(frozen=True)
class Gaps:
    unmatched: int
    empty_places: int
    pairs: int
    feasible_pairs: int
    below_min_score: int
    rules: list[RuleCount]
    changes: list[Change]
    roles_examined: int
    roles_with_places: int


def _sub_round(document: dict[str, Any], result: dict[str, Any]) -> dict[str, Any] | None:
    """The round's snapshot cut down to the unmatched students and the places left."""
    unmatched = {entry["student"] for entry in result.get("unmatched", [])}
    places_left = {entry["role"]: int(entry["places_left"]) for entry in result.get("unfilled", [])}
    students = [s for s in document["students"] if s["id"] in unmatched]
    roles = [
        dict(r, places=places_left[r["id"]]) for r in document["roles"] if r["id"] in places_left
    ]
    if not students or not roles:
        return None
    role_keys = {role["id"] for role in roles}
    student_keys = {student["id"] for student in students}

    def kept(pairs: list[dict[str, str]]) -> list[dict[str, str]]:
        return [p for p in pairs if p["student"] in student_keys and p["role"] in role_keys]

    return {
        **document,
        "students": [
            dict(s, preferences=[r for r in s.get("preferences", []) if r in role_keys])
            for s in students
        ],
        "roles": [
            dict(r, preferences=[s for s in r.get("preferences", []) if s in student_keys])
            for r in roles
        ],
        "locked": [],
        "forbidden": kept(document.get("forbidden", [])),
    }


def _shifted(role: dict[str, Any], days: timedelta) -> dict[str, Any]:
    start, end = date.fromisoformat(role["start"]), date.fromisoformat(role["end"])
    return dict(role, start=(start + days).isoformat(), end=(end + days).isoformat())


def _one_role(sub: dict[str, Any], role: dict[str, Any]) -> dict[str, Any]:
    """The unmatched students against this one role, so each try costs one column."""
    return dict(
        sub,
        students=[
            dict(s, preferences=[r for r in s["preferences"] if r == role["id"]])
            for s in sub["students"]
        ],
        roles=[dict(role, preferences=role["preferences"])],
        forbidden=[p for p in sub["forbidden"] if p["role"] == role["id"]],
    )


def _feasible_with(sub: dict[str, Any], role: dict[str, Any]) -> int:
    """How many of the unmatched meet every rule for this one (changed) role."""
    return int(matching.prepare(_one_role(sub, role)).feasible.sum())


def _long(day: str) -> str:
    found = date.fromisoformat(day)
    return f"{found.day} {found:%B %Y}"


def _change_words(
    relaxation: dict[str, Any], role: dict[str, Any], labels: dict[str, str]
) -> str | None:
    rule = relaxation["rule"]
    if rule.startswith("skill:"):
        skill = rule.split(":", 1)[1]
        return f"make {labels.get(skill, skill)} desirable rather than required"
    return {
        "min_rqf_level": "accept Level 6 students",
        "hours_per_week": "accept students offering fewer than "
        f"{role['hours_per_week']} hours a week",
        "work_mode": f"accept students who did not choose {role['work_mode']} work",
        "dates": f"accept students not available for all of {_long(role['start'])} to "
        f"{_long(role['end'])}",
    }.get(rule)


def _role_changes(
    sub: dict[str, Any], role: dict[str, Any], labels: dict[str, str], dates_only: bool
) -> list[Change]:
    """The changes to one role that admit unmatched students, each tried with the engine."""
    pool = matching.pool_size(_one_role(sub, role), role["id"])
    now = pool["feasible"]
    found: list[Change] = []

    def add(words: str | None, feasible: int) -> None:
        gained = feasible - now
        if words and gained > 0:
            found.append(Change(role["id"], words, gained, min(gained, role["places"])))

    for relaxation in pool["relaxations"]:
        add(_change_words(relaxation, role, labels), relaxation["feasible"])
    if not dates_only:
        return found
    for days, words in ((WEEK, "a week later"), (-WEEK, "a week earlier")):
        moved = _shifted(role, days)
        add(
            f"move its dates {words} (to {_long(moved['start'])} to {_long(moved['end'])})",
            _feasible_with(sub, moved),
        )
    return found


def gaps(
    document: dict[str, Any] | None,
    result: dict[str, Any] | None,
    labels: dict[str, str],
) -> Gaps | None:
    """Why the unmatched and the empty places did not meet, and the changes that help most."""
    if not document or not result:
        return None
    sub = _sub_round(document, result)
    if sub is None:
        return None
    prepared = matching.prepare(sub)
    pairs = int(prepared.feasible.size)
    rules = [
        RuleCount(rule, RULE_WORDS.get(rule, rule), int(np.count_nonzero(~mask)))
        for rule, mask in prepared.masks.items()
    ]
    rules = sorted((r for r in rules if r.pairs), key=lambda r: (-r.pairs, r.rule))
    # A change to one rule can only admit a student who breaks that rule alone, so only roles
    # with such a student are tried (most are not), the ones with most places left first.
    broken = np.sum([~mask for mask in prepared.masks.values()], axis=0)
    one_away = broken == 1
    dates_alone = one_away & ~prepared.masks["dates"]
    index = {key: i for i, key in enumerate(prepared.problem.role_ids)}
    hopeful = [role for role in sub["roles"] if one_away[:, index[role["id"]]].any()]
    by_places = sorted(hopeful, key=lambda r: (-r["places"], r["id"]))[:ROLES_EXAMINED]
    changes = [
        change
        for role in by_places
        for change in _role_changes(
            sub, role, labels, bool(dates_alone[:, index[role["id"]]].any())
        )
    ]
    changes.sort(key=lambda c: (-c.could_place, -c.students, c.role_key, c.words))
    feasible = int(prepared.feasible.sum())
    return Gaps(
        unmatched=len(sub["students"]),
        empty_places=sum(role["places"] for role in sub["roles"]),
        pairs=pairs,
        feasible_pairs=feasible,
        below_min_score=feasible - int(prepared.acceptable.sum()),
        rules=rules,
        changes=changes[:CHANGES_SHOWN],
        roles_examined=len(by_places),
        roles_with_places=len(hopeful),
    )


def as_document(found: Gaps | None) -> dict[str, Any]:
    """JSON for ``MatchingRound.gaps``: ``{}`` when there is nothing to explain."""
    return {} if found is None else asdict(found)


def from_document(document: dict[str, Any]) -> Gaps | None:
    """The :class:`Gaps` stored by :func:`store` (None when there was nothing to explain)."""
    if not document:
        return None
    return Gaps(
        **{
            **document,
            "rules": [RuleCount(**rule) for rule in document["rules"]],
            "changes": [Change(**change) for change in document["changes"]],
        }
    )


def skill_labels(session: Session) -> dict[str, str]:
    return {skill: label for skill, label in session.execute(select(Skill.id, Skill.label))}


def store(session: Session, round_id: int) -> None:
    """Work out a completed round's gaps and keep them on the round; the caller commits.

    The round job calls this once the round itself is committed, so that no page request has
    to work them out at national size (a minute's work there).
    """
    matching_round = session.get(MatchingRound, round_id)
    if matching_round is None or matching_round.status != "completed":
        return
    found = gaps(matching_round.snapshot, matching_round.result, skill_labels(session))
    matching_round.gaps = as_document(found)
