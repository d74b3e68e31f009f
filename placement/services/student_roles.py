"""Open roles as a student sees them: filters, the engine's fit and reasons, and ranked choices."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from math import ceil
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from placement import reference
from placement.errors import ValidationFailed
from placement.models import (
    PlacementRole,
    RoleSkill,
    Skill,
    StudentPreference,
    StudentProfile,
)
from placement.services import audit, open_role_cache, snapshot, students

MAX_CHOICES = 5
PER_PAGE = 20
GOOD_FIT = 0.7
POSSIBLE_FIT = 0.4
FILTERS = ("skill", "sector", "borough", "work_mode")
VIEWS = ("matched", "all")
NOT_MATCHABLE_MESSAGE = (
    "You cannot add this role to your choices: you do not meet every rule it has, so you "
    "would never be matched to it"
)


@dataclass(frozen=True)
class Fit:
    """How well one role fits the student, in the engine's words (skill labels, not ids)."""

    feasible: bool
    score: float = 0.0
    breakdown: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def label(self) -> str:
        if not self.feasible:
            return "Does not meet the role's rules"
        if self.score >= GOOD_FIT:
            return "Good fit"
        return "Possible fit" if self.score >= POSSIBLE_FIT else "Weak fit"


@dataclass
class RolesPage:
    """One page of the open roles the filters keep, best fit first, with each one's fit."""

    roles: list[PlacementRole]
    total: int
    page: int
    pages: int
    fit: dict[int, Fit]
    # "matched": only roles the student can be matched to; "all": every open role.
    view: str = "all"
    # Of the roles the filters keep, how many the student can be matched to (None: not known yet).
    matched_count: int | None = None
    open_count: int = 0
    # Every open role at the version this page was made from (the page's other parts read it).
    open_roles: open_role_cache.OpenRoles | None = None

    @property
    def first(self) -> int:
        return (self.page - 1) * PER_PAGE + 1


def can_fit(profile: StudentProfile) -> bool:
    """Whether the engine can say how well roles fit this profile yet."""
    return not snapshot.missing_for_matching(profile) and (profile.rqf_level or 0) >= 6


def open_role_ids(session: Session) -> set[int]:
    return set(open_role_cache.current(session).ids)


def roles_page(
    session: Session,
    profile: StudentProfile,
    filters: dict[str, str],
    page: int,
    *,
    view: str | None = None,
) -> RolesPage:
    """The page's roles: ranked against every open role from the per-version cache.

    ``view`` is "matched" (roles the student can be matched to), "all", or None for "matched"
    whenever there are any. Until the profile can be matched, roles are in start date order.
    """
    cached = open_role_cache.current(session)
    kept = set(open_role_cache.filtered(cached, filters))
    ranked = open_role_cache.ranking(profile, cached) if can_fit(profile) else None
    matched_count = None
    if ranked is not None:
        everything = [role_id for role_id in ranked.order if role_id in kept]
        matchable = set(ranked.order[: ranked.matchable])
        matched = [role_id for role_id in everything if role_id in matchable]
        matched_count = len(matched)
        if view not in VIEWS:
            view = "matched" if matched else "all"
        order = matched if view == "matched" else everything
    else:
        view = "all"
        order = sorted(kept, key=lambda role_id: (*cached.by_date[role_id], role_id))
    pages = max(ceil(len(order) / PER_PAGE), 1)
    page = min(max(page, 1), pages)
    shown = _roles_by_id(session, order[(page - 1) * PER_PAGE : page * PER_PAGE])
    fit = fits(session, profile, shown)
    return RolesPage(
        shown,
        len(order),
        page,
        pages,
        fit,
        view=view,
        matched_count=matched_count,
        open_count=len(kept),
        open_roles=cached,
    )


def open_roles(session: Session, filters: dict[str, str] | None = None) -> list[PlacementRole]:
    """Roles a student may see and choose, narrowed by the filters, by id."""
    cached = open_role_cache.current(session)
    return _roles_by_id(session, open_role_cache.filtered(cached, filters or {}))


def _roles_by_id(session: Session, ids: list[int]) -> list[PlacementRole]:
    if not ids:
        return []
    found = session.execute(
        select(PlacementRole)
        .where(PlacementRole.id.in_(ids))
        .options(joinedload(PlacementRole.organisation))
    ).scalars()
    by_id = {role.id: role for role in found}
    return [by_id[role_id] for role_id in ids if role_id in by_id]


def open_role(session: Session, role_id: int) -> PlacementRole | None:
    """The role if it is open (published, organisation verified, a place left); else None."""
    return snapshot.ready_role(session, role_id)


def fits(session: Session, profile: StudentProfile, roles: list[PlacementRole]) -> dict[int, Fit]:
    """The engine's fit for each role, best first; empty until the profile can be matched.

    The student's open choices join the snapshot, so each choice keeps its rank (1st, 2nd...)
    as in a ranking against every open role.
    """
    if not roles or not can_fit(profile):
        return {}
    asked = {role.id for role in roles}
    chosen = [pid for pid in choice_ids(profile) if pid not in asked]
    extra = _roles_by_id(session, sorted(set(chosen) & open_role_ids(session))) if chosen else []
    entries = snapshot.fit_for_student(session, profile, [*roles, *extra])
    if not entries:
        return {}
    labels = skill_labels(session, _skill_ids(session, profile, roles))
    return {role_id: _fit(entry, labels) for role_id, entry in entries.items() if role_id in asked}


def _skill_ids(session: Session, profile: StudentProfile, roles: list[PlacementRole]) -> set[str]:
    ids = {skill.skill_id for skill in profile.skills}
    role_ids = [role.id for role in roles]
    query = select(RoleSkill.skill_id).where(RoleSkill.role_id.in_(role_ids)).distinct()
    ids.update(session.execute(query).scalars())
    return ids


def skill_labels(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.execute(select(Skill.id, Skill.label).where(Skill.id.in_(ids))).all()
    return dict(rows)


def _fit(entry: dict[str, Any], labels: dict[str, str]) -> Fit:
    if not entry["feasible"]:
        return Fit(False, failures=[readable(text, labels) for text in entry["failures"]])
    return Fit(
        True,
        score=float(entry["score"]),
        breakdown=dict(entry["breakdown"]),
        reasons=[readable(text, labels) for text in entry["reasons"]],
    )


_SKILL_ITEM = re.compile(r"(?P<id>[a-z0-9][a-z0-9-]*) \((?P<detail>[^)]*)\)")
_SKILL_LINE = re.compile(r"^(?P<head>Skills [^:]+): (?P<items>.*)$")
_NEEDS_SKILL = re.compile(r"^needs (?P<id>[a-z0-9][a-z0-9-]*) at level (?P<rest>.*)$")
_SECTOR = re.compile(r"^The role is in (?P<id>[a-z0-9-]+), (?P<rest>.*)$")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _long_date(match: re.Match[str]) -> str:
    day = date(int(match[1]), int(match[2]), int(match[3]))
    return f"{day.day} {day:%B %Y}"


def readable(text: str, labels: dict[str, str]) -> str:
    """An engine reason with skill and sector labels instead of ids, and dates in words."""
    line = _SKILL_LINE.match(text)
    if line:
        items = _SKILL_ITEM.sub(
            lambda m: f"{labels.get(m['id'], m['id'])} ({m['detail']})", line["items"]
        )
        text = f"{line['head']}: {items}"
    elif needs := _NEEDS_SKILL.match(text):
        text = f"needs {labels.get(needs['id'], needs['id'])} at level {needs['rest']}"
    elif sector := _SECTOR.match(text):
        name = reference.sectors().get(sector["id"], sector["id"])
        text = f"The role is in {name}, {sector['rest']}"
    return _ISO_DATE.sub(_long_date, text)


def _editable_choices(session: Session, profile: StudentProfile) -> None:
    students.check_editable(session, profile)
    if students.is_ineligible(profile):
        raise ValidationFailed([(None, students.INELIGIBLE_MESSAGE)])


def _save_order(session: Session, profile: StudentProfile, role_ids: list[int]) -> None:
    """Rewrite the ranks 1..n: old rows go in one flush, new ones in the next (ranks are unique)."""
    for preference in list(profile.preferences):
        session.delete(preference)
    session.flush()
    session.expire(profile, ["preferences"])
    for rank, role_id in enumerate(role_ids, start=1):
        session.add(StudentPreference(student_id=profile.id, role_id=role_id, rank=rank))
    session.flush()
    session.expire(profile, ["preferences"])


def choice_ids(profile: StudentProfile) -> list[int]:
    return [preference.role_id for preference in profile.preferences]


def add_choice(session: Session, profile: StudentProfile, role: PlacementRole) -> int:
    """Add an open role at the bottom of the student's choices; returns its rank."""
    _editable_choices(session, profile)
    chosen = choice_ids(profile)
    if role.id in chosen:
        return chosen.index(role.id) + 1
    fit = fits(session, profile, [role]).get(role.id)
    if fit is not None and not fit.feasible:
        raise ValidationFailed([(None, NOT_MATCHABLE_MESSAGE)])
    if len(chosen) >= MAX_CHOICES:
        raise ValidationFailed(
            [
                (
                    None,
                    f"You already have {MAX_CHOICES} choices, the most you can have. Remove one "
                    "from your choices before you add another",
                )
            ]
        )
    session.add(StudentPreference(student_id=profile.id, role_id=role.id, rank=len(chosen) + 1))
    session.flush()
    session.expire(profile, ["preferences"])
    audit.record(
        session,
        "choice_added",
        object_type="student_profile",
        object_id=profile.id,
        detail={"role": role.id},
    )
    return len(chosen) + 1


def move_choice(session: Session, profile: StudentProfile, role_id: int, step: int) -> None:
    """Move a choice one place up (step -1) or down (step +1)."""
    _editable_choices(session, profile)
    order = choice_ids(profile)
    if role_id not in order:
        raise ValidationFailed([(None, "That role is not one of your choices")])
    here = order.index(role_id)
    there = here + step
    if step not in (-1, 1) or not 0 <= there < len(order):
        return
    order[here], order[there] = order[there], order[here]
    _save_order(session, profile, order)
    audit.record(
        session,
        "choices_reordered",
        object_type="student_profile",
        object_id=profile.id,
        detail={"role": role_id},
    )


def remove_choice(session: Session, profile: StudentProfile, role_id: int) -> None:
    _editable_choices(session, profile)
    order = choice_ids(profile)
    if role_id not in order:
        raise ValidationFailed([(None, "That role is not one of your choices")])
    order.remove(role_id)
    _save_order(session, profile, order)
    audit.record(
        session,
        "choice_removed",
        object_type="student_profile",
        object_id=profile.id,
        detail={"role": role_id},
    )
