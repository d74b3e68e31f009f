"""The open-roles part of a student's fit, cached per data version in each process.

Ranking a student against every open role needs each role's snapshot entry. Building those entries
(roles, skills, the organisations' interest in students) is the same work for every student, so it
is done once per *data version*: a single aggregate query over the open roles and the interests
(how many, which ids, the latest ``updated_at``, the places taken) that changes whenever a role is
published, edited (``roles._apply`` touches ``updated_at`` when only skills change), closed, fills
up or frees a place, when an organisation's verification changes which roles are open, and when
an organisation marks or unmarks a student. Each process keeps the latest two versions.

The engine's ``RoleIndex`` of those entries (validated, as arrays) is made on the first ranking,
once per version of the open roles themselves (an organisation marking a student makes a new data
version, not a new index). It ranks one student against every open role in ``explain_student``'s
order in milliseconds even at national size, so the ranking is made in the request. A ranking is
kept per data version and per student (their snapshot entry, hashed) in a bounded
least-recently-used cache, so paging and filtering reuse it; a page explains only the roles it
shows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import matching
from placement.cache import BoundedCache
from placement.models import (
    Organisation,
    OrganisationInterest,
    PlacementRole,
    RoleSkill,
    StudentProfile,
)
from placement.services import snapshot, versions

VERSIONS_KEPT = 2
RANKINGS_KEPT = 512
# data_version's first values are the open roles' (count, id sum, latest update, places taken);
# the engine's index depends on those alone, so a mark does not make it again.
ROLE_VALUES = 4


@dataclass(frozen=True)
class OpenRoles:
    """Every open role as the fit needs it, at one data version."""

    version: tuple[Any, ...]
    ids: tuple[int, ...]
    entries: dict[int, dict[str, Any]]
    # sector, borough, work mode: the page's filters, answered without a query.
    facets: dict[int, tuple[str, str, str]]
    # (start date, title) for the order shown before a profile is complete.
    by_date: dict[int, tuple[date, str]]
    skills: dict[str, frozenset[int]]
    # Student id -> the open roles whose organisation marked the student.
    interests: dict[int, frozenset[int]]

    @cached_property
    def row_of(self) -> dict[str, int]:
        """Each open role's engine id, to its row id."""
        return {snapshot.role_key(role_id): role_id for role_id in self.ids}

    @cached_property
    def index(self) -> matching.RoleIndex:
        """The engine's index of the open roles (no student yet), made on the first ranking."""
        return _indexes.get(self.version[:ROLE_VALUES], self._make_index)

    def _make_index(self) -> matching.RoleIndex:
        return matching.RoleIndex(
            {
                "format": snapshot.FORMAT,
                "parameters": {},
                "students": [],
                "roles": list(self.entries.values()),
                "locked": [],
                "forbidden": [],
            }
        )


_versions: BoundedCache[tuple[Any, ...], OpenRoles] = BoundedCache(VERSIONS_KEPT)
_indexes: BoundedCache[tuple[Any, ...], matching.RoleIndex] = BoundedCache(VERSIONS_KEPT)
_rankings: BoundedCache[tuple[Any, ...], Ranking] = BoundedCache(RANKINGS_KEPT)
_openings: BoundedCache[tuple[Any, ...], Any] = BoundedCache(RANKINGS_KEPT)
T = TypeVar("T")


def _open_roles_query():  # type: ignore[no-untyped-def]
    return (
        select(PlacementRole)
        .join(Organisation, PlacementRole.organisation_id == Organisation.id)
        .where(
            PlacementRole.status == "published",
            Organisation.status == "verified",
            PlacementRole.places_taken < PlacementRole.places,
        )
    )


def data_version(session: Session) -> tuple[Any, ...]:
    """A value that changes whenever what the open roles contribute to a fit may have changed."""
    roles = _open_roles_query().with_only_columns(
        func.count(PlacementRole.id),
        func.coalesce(func.sum(PlacementRole.id), 0),
        func.max(PlacementRole.updated_at),
        func.coalesce(func.sum(PlacementRole.places_taken), 0),
    )
    interests = select(
        func.count(OrganisationInterest.id),
        func.coalesce(func.sum(OrganisationInterest.id * 7 + OrganisationInterest.rank), 0),
        func.max(OrganisationInterest.created_at),
    )
    return versions.version(session, (roles, interests))


def current(session: Session) -> OpenRoles:
    """The open roles at the database's current data version, built at most once per version."""
    version = data_version(session)
    return _versions.get(version, lambda: _build(session, version))


def _build(session: Session, version: tuple[Any, ...]) -> OpenRoles:
    # Columns, not objects: role_entry reads these attributes, and 20,000 objects cost seconds.
    columns = _open_roles_query().with_only_columns(
        PlacementRole.id,
        PlacementRole.organisation_id,
        PlacementRole.title,
        PlacementRole.min_rqf_level,
        PlacementRole.start_date,
        PlacementRole.end_date,
        PlacementRole.hours_per_week,
        PlacementRole.borough,
        PlacementRole.work_mode,
        PlacementRole.sector,
    )
    roles = list(session.execute(columns.order_by(PlacementRole.id)))
    ids = tuple(role.id for role in roles)
    role_skills = _skills_of(session, set(ids))
    skills: dict[str, set[int]] = {}
    for role_id, asked in role_skills.items():
        for skill_id in asked:
            skills.setdefault(skill_id, set()).add(role_id)
    open_ids = set(ids)
    interests: dict[int, set[int]] = {}
    for student_id, role_id in session.execute(
        select(OrganisationInterest.student_id, OrganisationInterest.role_id)
    ):
        if role_id in open_ids:
            interests.setdefault(student_id, set()).add(role_id)
    entries = {role.id: snapshot.role_entry(role, 1, [], role_skills[role.id]) for role in roles}
    return OpenRoles(
        version=version,
        ids=ids,
        entries=entries,
        facets={role.id: (role.sector, role.borough, role.work_mode) for role in roles},
        by_date={role.id: (role.start_date, role.title.lower()) for role in roles},
        skills={skill_id: frozenset(found) for skill_id, found in skills.items()},
        interests={student: frozenset(found) for student, found in interests.items()},
    )


def _skills_of(session: Session, ids: set[int]) -> dict[int, dict[str, dict[str, Any]]]:
    """As snapshot.role_skills, read whole: an IN list of 20,000 role ids costs more."""
    found: dict[int, dict[str, dict[str, Any]]] = {role_id: {} for role_id in ids}
    rows = session.execute(
        select(
            RoleSkill.role_id,
            RoleSkill.skill_id,
            RoleSkill.level,
            RoleSkill.weight,
            RoleSkill.required,
        ).order_by(RoleSkill.role_id, RoleSkill.skill_id)
    )
    for role_id, skill_id, level, weight, required in rows:
        if role_id in found:
            found[role_id][skill_id] = {"level": level, "weight": weight, "required": required}
    return found


def filtered(open_roles: OpenRoles, filters: dict[str, str]) -> list[int]:
    """The open role ids that the page's filters (skill, sector, borough, work mode) keep."""
    wanted = [(n, filters.get(name)) for n, name in enumerate(("sector", "borough", "work_mode"))]
    wanted = [(n, value) for n, value in wanted if value]
    skill = filters.get("skill")
    if not wanted and not skill:
        return list(open_roles.ids)
    with_skill = open_roles.skills.get(skill, frozenset()) if skill else None
    return [
        role_id
        for role_id in open_roles.ids
        if (with_skill is None or role_id in with_skill)
        and all(open_roles.facets[role_id][n] == value for n, value in wanted)
    ]


def _student_document(profile: StudentProfile, open_roles: OpenRoles) -> dict[str, Any]:
    return snapshot.student_entry(profile, set(open_roles.row_of))


@dataclass(frozen=True)
class Ranking:
    """Every open role id, best fit first; the first ``matchable`` are roles the student meets."""

    order: tuple[int, ...]
    matchable: int

    def __iter__(self) -> Iterator[int]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)


def _student(profile: StudentProfile, open_roles: OpenRoles) -> tuple[Any, ...]:
    """The student's snapshot entry, the roles whose organisations marked them, and the cache key
    of what their answers against the open roles depend on (the version and those two, hashed)."""
    student = _student_document(profile, open_roles)
    marked = sorted(open_roles.interests.get(profile.id, frozenset()))
    fingerprint = hashlib.sha256(
        json.dumps([student, marked], sort_keys=True, default=str).encode()
    ).hexdigest()
    return student, marked, (open_roles.version, profile.id, fingerprint)


def student_key(profile: StudentProfile, open_roles: OpenRoles) -> tuple[Any, ...]:
    """What a student's answers against the open roles depend on (see :func:`_student`)."""
    return _student(profile, open_roles)[2]


def ranking(profile: StudentProfile, open_roles: OpenRoles) -> Ranking:
    """Every open role id, best fit for the student first (the engine's order), cached."""
    student, marked, key = _student(profile, open_roles)
    return _rankings.get(key, lambda: _rank(student, marked, open_roles))


def _rank(student: dict[str, Any], marked: list[int], open_roles: OpenRoles) -> Ranking:
    # A role whose organisation marked the student lists that student alone, first.
    lists = {snapshot.role_key(role_id): [student["id"]] for role_id in marked}
    ranked = open_roles.index.rank(student, role_preferences=lists)
    # The index lists the roles the student meets first.
    return Ranking(tuple(map(open_roles.row_of.__getitem__, ranked.roles)), ranked.feasible)


def openings(profile: StudentProfile, open_roles: OpenRoles, build: Callable[[], T]) -> T:
    """The changes the open-roles page suggests to a student, built once per student and
    version of the open roles (what they depend on, as the ranking)."""
    return _openings.get(student_key(profile, open_roles), build)


def clear() -> None:
    """Forget every cached version, ranking and suggestion (tests, and after bulk loads)."""
    _versions.clear()
    _indexes.clear()
    _rankings.clear()
    _openings.clear()


def ranking_builds() -> int:
    """How many rankings this process has computed: what the cache saved is visible in tests."""
    return _rankings.builds
