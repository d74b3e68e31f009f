"""The open-roles part of a student's fit, cached per data version in each process.

Ranking a student against every open role needs each role's snapshot entry. Building those entries
(roles, skills, the organisations' interest in students) is the same work for every student, so it
is done once per *data version*: a single aggregate query over the open roles and the interests
(how many, which ids, the latest ``updated_at``, the places taken) that changes whenever a role is
published, edited (``roles._apply`` touches ``updated_at`` when only skills change), closed, fills
up or frees a place, when an organisation's verification changes which roles are open, and when
an organisation marks or unmarks a student. Each process keeps the latest two versions.

The student's ranking over every open role (the engine's ``explain_student``) is then kept per
data version and per student (their snapshot entry, hashed) in a bounded least-recently-used cache,
so paging and filtering never score all roles again; a page explains only the roles it shows.
Above ``INLINE_LIMIT`` open roles (national size: the engine takes seconds for one student against
20,000 roles) a missing ranking is computed by one background thread per process instead of in the
request; until it is ready the page lists roles by start date and says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

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
from placement.services import snapshot

VERSIONS_KEPT = 2
RANKINGS_KEPT = 512
INLINE_LIMIT = 2_000

_background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="role-ranking")
_queued: set[tuple[Any, ...]] = set()
_queued_lock = threading.Lock()


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


_versions: BoundedCache[tuple[Any, ...], OpenRoles] = BoundedCache(VERSIONS_KEPT)
_rankings: BoundedCache[tuple[Any, ...], tuple[int, ...]] = BoundedCache(RANKINGS_KEPT)


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
    found = session.execute(roles).one()
    marked = session.execute(interests).one()
    return tuple(str(value) for value in (*found, *marked))


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
    skill = filters.get("skill")
    with_skill = open_roles.skills.get(skill, frozenset()) if skill else None
    return [
        role_id
        for role_id in open_roles.ids
        if (with_skill is None or role_id in with_skill)
        and all(not value or open_roles.facets[role_id][n] == value for n, value in wanted)
    ]


def _student_document(profile: StudentProfile, open_roles: OpenRoles) -> dict[str, Any]:
    keys = {snapshot.role_key(role_id) for role_id in open_roles.ids}
    return snapshot.student_entry(profile, keys)


@dataclass(frozen=True)
class Ranking:
    """Every open role id, best fit first; the first ``matchable`` are roles the student meets."""

    order: tuple[int, ...]
    matchable: int

    def __iter__(self) -> Iterator[int]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)


def ranking(
    profile: StudentProfile, open_roles: OpenRoles, *, background: bool = True
) -> Ranking | None:
    """Every open role id, best fit for the student first (the engine's order), cached.

    None while a national-size ranking is being computed in the background, or when
    ``background`` is False and there are too many open roles to rank in a request.
    """
    student = _student_document(profile, open_roles)
    marked = sorted(open_roles.interests.get(profile.id, frozenset()))
    fingerprint = hashlib.sha256(
        json.dumps([student, marked], sort_keys=True, default=str).encode()
    ).hexdigest()
    key = (open_roles.version, profile.id, fingerprint)
    if len(open_roles.ids) <= INLINE_LIMIT:
        return _rankings.get(key, lambda: _rank(student, marked, open_roles))
    found = _rankings.peek(key)
    if found is None and background:
        _queue(key, student, marked, open_roles)
    return found


def _queue(key: tuple[Any, ...], student: dict, marked: list[int], open_roles: OpenRoles) -> None:
    with _queued_lock:
        if key in _queued:
            return
        _queued.add(key)

    def work() -> None:
        _lower_priority()
        try:
            _rankings.get(key, lambda: _rank(student, marked, open_roles))
        finally:
            with _queued_lock:
                _queued.discard(key)

    _background.submit(work)


def _lower_priority() -> None:
    """Let requests go first: on Linux a thread has its own nice value."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):  # not Linux, or not allowed: run at the usual priority
        return


def wait_for_background() -> None:
    """Block until every queued ranking is done (tests, and scripts that warm the cache)."""
    _background.submit(lambda: None).result()


def _rank(student: dict[str, Any], marked: list[int], open_roles: OpenRoles) -> Ranking:
    if not open_roles.ids:
        return Ranking((), 0)
    marked_set = set(marked)
    roles = [
        {**entry, "preferences": [student["id"]] if role_id in marked_set else []}
        for role_id, entry in open_roles.entries.items()
    ]
    document = {
        "format": snapshot.FORMAT,
        "parameters": {},
        "students": [student],
        "roles": roles,
        "locked": [],
        "forbidden": [],
    }
    explained = matching.explain_student(document, student["id"])["roles"]
    # explain_student lists the roles the student meets first.
    return Ranking(
        tuple(snapshot.row_id(entry["role"]) for entry in explained),
        sum(1 for entry in explained if entry["feasible"]),
    )


def clear() -> None:
    """Forget every cached version and ranking (tests, and after bulk loads)."""
    _versions.clear()
    _rankings.clear()


def ranking_builds() -> int:
    """How many rankings this process has computed: what the cache saved is visible in tests."""
    return _rankings.builds
