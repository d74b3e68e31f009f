"""The one or two profile changes that would open the most roles a student cannot be matched to.

A change is a skill at a level the roles ask for (added, or raised to that level) or a work mode
the student has not chosen. Every count comes from the engine's own hard rules
(snapshot.roles_met_by_variants): nothing here decides whether a student meets a role.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from placement import reference
from placement.models import PlacementRole, Skill, StudentProfile
from placement.services import snapshot

MOST_SUGGESTIONS = 3
# Changes tried two at a time: the most promising only, so the engine sees a few dozen variants.
PAIR_CANDIDATES = 10
SINGLE_CANDIDATES = 40


@dataclass(frozen=True)
class Change:
    """One thing the student could change: a skill at a level, or a work mode."""

    skill_id: str | None = None
    level: int = 0
    work_mode: str | None = None

    def words(self, labels: dict[str, str], profile: StudentProfile) -> str:
        if self.work_mode:
            return f"also accept {reference.WORK_MODE_LABELS[self.work_mode].lower()} work"
        assert self.skill_id is not None
        label = labels.get(self.skill_id, self.skill_id)
        held = {skill.skill_id: skill.level for skill in profile.skills}
        if self.skill_id in held:
            return f"raise {label} to level {self.level}"
        return f"add {label} at level {self.level}"


@dataclass(frozen=True)
class Opening:
    """Changes made together, and how many more roles the student would then meet."""

    changes: tuple[Change, ...]
    more_roles: int
    text: str


def _candidates(
    profile: StudentProfile, roles: list[PlacementRole], asks: dict[int, dict[str, Any]]
) -> Counter[Change]:
    """Every change some role asks for that the student lacks, with how many roles ask for it."""
    held = {skill.skill_id: skill.level for skill in profile.skills}
    modes = set(profile.work_modes or snapshot.ALL_WORK_MODES)
    found: Counter[Change] = Counter()
    for role in roles:
        for skill_id, asked in asks.get(role.id, {}).items():
            if asked["required"] and held.get(skill_id, 0) < asked["level"]:
                found[Change(skill_id=skill_id, level=asked["level"])] += 1
        if role.work_mode not in modes:
            found[Change(work_mode=role.work_mode)] += 1
    return found


def _variant(profile: StudentProfile, changes: tuple[Change, ...]) -> dict[str, Any]:
    skills = {skill.skill_id: skill.level for skill in profile.skills}
    modes = set(profile.work_modes or snapshot.ALL_WORK_MODES)
    for change in changes:
        if change.work_mode:
            modes.add(change.work_mode)
        elif change.skill_id is not None:
            skills[change.skill_id] = max(skills.get(change.skill_id, 0), change.level)
    return {"skills": skills, "work_modes": sorted(modes)}


def _combined(changes: tuple[Change, ...]) -> bool:
    """Two changes worth trying together: not the same skill at two levels."""
    first, second = changes
    return first.skill_id is None or first.skill_id != second.skill_id


def suggestions(
    session: Session, profile: StudentProfile, roles: list[PlacementRole]
) -> list[Opening]:
    """Up to three changes opening the most of `roles`: single ones, or a pair opening more."""
    if snapshot.missing_for_matching(profile) or (profile.rqf_level or 0) < 6:
        return []
    asks = snapshot.role_skills(session, [role.id for role in roles])
    asked = _candidates(profile, roles, asks)
    # A change opens at most the roles that ask for it: the most asked-for are tried, alone and
    # in pairs, all in one pass of the engine's rules.
    singles = [(change,) for change in sorted(asked, key=lambda c: (-asked[c], _key(c)))]
    singles = singles[:SINGLE_CANDIDATES]
    pairs = [
        first + second
        for first, second in combinations(singles[:PAIR_CANDIDATES], 2)
        if _combined(first + second)
    ]
    tried = [*singles, *pairs]
    reached = snapshot.roles_met_by_variants(
        session, profile, roles, [_variant(profile, changes) for changes in [(), *tried]]
    )
    met = reached[0]
    if len(met) == len(roles):
        return []
    gains = {changes: len(ids - met) for changes, ids in zip(tried, reached[1:], strict=True)}
    promising = _best_level_per_skill(
        sorted(singles, key=lambda one: (-gains[one], -asked[one[0]], _key(one[0]))), gains
    )
    chosen = [one for one in promising if gains[one] > 0][:MOST_SUGGESTIONS]
    # A pair is worth naming only for the roles neither change opens alone.
    together = [pair for pair in pairs if gains[pair] > gains[pair[:1]] + gains[pair[1:]]]
    best_pair = max(together, key=lambda pair: gains[pair], default=None)
    if best_pair is not None and gains[best_pair] > (gains[chosen[0]] if chosen else 0):
        chosen = [best_pair, *chosen][:MOST_SUGGESTIONS]
    skill_ids = {change.skill_id for changes in chosen for change in changes if change.skill_id}
    labels = _labels(session, skill_ids)
    return [_opening(changes, gains[changes], labels, profile) for changes in chosen]


def _labels(session: Session, skill_ids: set[str]) -> dict[str, str]:
    if not skill_ids:
        return {}
    return dict(session.execute(select(Skill.id, Skill.label).where(Skill.id.in_(skill_ids))).all())


def _best_level_per_skill(
    ordered: list[tuple[Change, ...]], gains: dict[tuple[Change, ...], int]
) -> list[tuple[Change, ...]]:
    """One level per skill: the lowest that opens the most (raising it further opens no more)."""
    kept: dict[str, tuple[Change, ...]] = {}
    for one in ordered:
        change = one[0]
        name = change.skill_id or f"mode:{change.work_mode}"
        best = kept.get(name)
        if best is None or (gains[one], -change.level) > (gains[best], -best[0].level):
            kept[name] = one
    chosen = set(kept.values())
    return [one for one in ordered if one in chosen]


def _key(change: Change) -> tuple[str, int]:
    return (change.skill_id or change.work_mode or "", change.level)


def _opening(
    changes: tuple[Change, ...], more: int, labels: dict[str, str], profile: StudentProfile
) -> Opening:
    words = " and ".join(change.words(labels, profile) for change in changes)
    count = "1 more role" if more == 1 else f"{more} more roles"
    return Opening(changes, more, f"{words[0].upper()}{words[1:]}: {count}")
