"""The skills report's figures are read once per data version, and every change they count makes a
new version: the report shown is always the one a fresh reading gives."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from support.factories import (
    PASSWORD,
    create_coordinator,
    create_organisation,
    create_role,
    create_student,
)
from support.http import sign_in, text_of

from placement.extensions import db
from placement.models import PlacementRole, StudentProfile
from placement.services import roles, skills_gap, students, verification


@pytest.fixture(autouse=True)
def empty_cache():
    skills_gap.clear()
    yield
    skills_gap.clear()


def _programme() -> dict[str, object]:
    organisation, _ = create_organisation()
    waiting, _ = create_organisation(verified=False)
    role = create_role(
        organisation, places=4, skills={"python": (3, 1, True), "sql": (2, 1, False)}
    )
    create_role(waiting, places=2, skills={"python": (2, 1, True)})
    draft = create_role(organisation, status="draft", skills={"sql": (4, 1, True)})
    people = [create_student(skills={"python": level, "sql": 2}) for level in (1, 2, 3, 4, 5, 5)]
    db.session.commit()
    return {"waiting": waiting, "role": role, "draft": draft, "students": people}


def _fresh(university: str | None = None) -> tuple[object, object]:
    """The demand and the supply read from the database now, without the cache."""
    demand = skills_gap._demand_cells(db.session)
    skills = {skill for asked in demand.values() for skill, _ in asked}
    return demand, skills_gap._supply(db.session, skills, university)


def _cached(university: str | None = None) -> tuple[object, object]:
    found = skills_gap.figures(db.session, university)
    return found.demand, found.supply


def _main(page: str) -> str:
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def test_looking_at_the_report_again_reuses_the_figures_while_nothing_changes(app, client):
    _programme()
    coordinator = create_coordinator()
    db.session.commit()
    sign_in(client, coordinator.email, PASSWORD)

    first = text_of(client.get("/coordinator/reports/skills"))
    again = text_of(client.get("/coordinator/reports/skills?sector=fintech"))

    assert "Python" in first and "Python" in again
    assert skills_gap._figures.builds == 1 and skills_gap._reports.builds == 2
    assert _main(text_of(client.get("/coordinator/reports/skills"))) == _main(first)
    assert skills_gap._reports.builds == 2
    assert _cached() == _fresh()
    text_of(client.get("/coordinator/reports/skills?university=imperial"))
    assert skills_gap._figures.builds == 2  # each university's supply is its own


def _student_raises_a_skill(programme) -> None:
    profile = programme["students"][0]
    students.save_skills(db.session, profile, {"python": 5, "sql": 2})


def _role_asks_for_another_level(programme) -> None:
    role = programme["role"]
    details = roles.RoleDetails.of(role)
    details.skills = [
        roles.SkillAsk(ask.skill_id, 1, ask.weight, ask.required, ask.row) for ask in details.skills
    ]
    roles.update(db.session, role, details, today=date(2027, 1, 4))


def _organisation_verified(programme) -> None:
    verification.verify(db.session, programme["waiting"])


def _draft_published(programme) -> None:
    roles.request_publication(db.session, programme["draft"], today=date(2027, 1, 4))


def _profile_back_to_draft(programme) -> None:
    programme["students"][3].status = "draft"


def _student_joins(programme) -> None:
    create_student(skills={"python": 4})


def _places_change(programme) -> None:
    role = db.session.scalars(select(PlacementRole).order_by(PlacementRole.id)).first()
    role.places = 9


def _student_moves_university(programme) -> None:
    profile = db.session.scalars(select(StudentProfile).order_by(StudentProfile.id)).first()
    profile.university_id = "imperial"


@pytest.mark.parametrize(
    "change",
    [
        _student_raises_a_skill,
        _role_asks_for_another_level,
        _organisation_verified,
        _draft_published,
        _profile_back_to_draft,
        _student_joins,
        _places_change,
        _student_moves_university,
    ],
)
def test_each_change_the_figures_count_gives_the_figures_a_fresh_reading_gives(app, change):
    programme = _programme()
    before = {university: _cached(university) for university in (None, "ucl")}
    skills_gap.report(db.session, skills_gap.Filters(university="ucl"))
    change(programme)
    db.session.commit()
    for university in (None, "ucl"):
        after = _cached(university)
        assert after == _fresh(university)
    assert {university: _cached(university) for university in (None, "ucl")} != before
    shown = skills_gap.report(db.session, skills_gap.Filters(university="ucl"))
    skills_gap.clear()
    assert skills_gap.report(db.session, skills_gap.Filters(university="ucl")) == shown
