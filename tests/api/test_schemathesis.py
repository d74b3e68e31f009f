"""Schemathesis runs the whole OpenAPI description against the app, with two universities' tokens.

Every generated request goes to the live WSGI app twice, once with each university's token: no
server error, no response that breaks the description, and no other university's students or
placements in any answer.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from support.api import bearer, create_partner, issue, placement_for, sharing_student
from support.factories import create_organisation, create_role, create_student
from support.security import sqlite_app

from placement.extensions import db

EXAMPLES = 20
# Not checked: that every request the schema allows is accepted. The invitation rules go beyond
# what JSON Schema can say (each address once per batch, an address email-validator accepts, a
# name that is not only spaces); tests/api/test_contract.py checks those refusals one by one.


@dataclass
class University:
    token: str
    students: set[int] = field(default_factory=set)
    placements: set[int] = field(default_factory=set)


@dataclass
class World:
    app: object
    universities: dict[str, University]


def _university(university_id: str, organisation) -> University:
    token, _row = issue(create_partner(university_id))
    found = University(token)
    for number in range(6):
        profile = sharing_student(university_id, skills={"python": 3, "sql": 2 + number % 3})
        found.students.add(profile.id)
        if number < 2:
            role = create_role(organisation, title=f"Analyst {university_id} {number}")
            placement = placement_for(profile, role, ratings={"student": 4, "organisation": 5})
            found.placements.add(placement.id)
    create_student(university_id=university_id)  # not sharing: never seen
    return found


# Schemathesis reads the description when the module is collected, so the app exists from then
# on; its data is made by the `world` fixture. (Its lazy from_fixture loader fails on pytest 9.)
_FOLDER = tempfile.TemporaryDirectory(prefix="placement-schemathesis-")
# The rate limit has its own test; here it would only stop the run.
APP = sqlite_app(Path(_FOLDER.name), API_RATE_LIMIT="100000 per minute")
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with APP.app_context():
        organisation, _member = create_organisation()
        universities = {name: _university(name, organisation) for name in ("ucl", "kcl")}
    yield World(APP, universities)
    with APP.app_context():
        db.engine.dispose()
    _FOLDER.cleanup()


def _only_own(world: World, name: str, body: object) -> list[str]:
    """Ids in the answer that belong to another university's students or placements."""
    own = world.universities[name]
    others = set().union(*(u.students for n, u in world.universities.items() if n != name))
    other_placements = set().union(
        *(u.placements for n, u in world.universities.items() if n != name)
    )
    wrong = []
    for item in body.get("items", []) if isinstance(body, dict) else []:
        student_id = item.get("student_id", item.get("id"))
        if "student_id" in item and item["id"] in other_placements:
            wrong.append(f"placement {item['id']}")
        if student_id in others or ("student_id" in item and student_id not in own.students):
            wrong.append(f"student {student_id}")
    return wrong


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_the_api_keeps_its_contract_for_two_universities(case, world):
    for name, university in world.universities.items():
        response = case.call_and_validate(
            headers=bearer(university.token), excluded_checks=[positive_data_acceptance]
        )
        assert response.status_code < 500
        if response.status_code == 200 and case.method == "GET":
            assert _only_own(world, name, response.json()) == []
