"""The open-roles cache: rankings kept per data version, and forgotten when a role changes."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from support.factories import PASSWORD, create_organisation, create_role, create_student
from support.http import sign_in, text_of

import matching
from placement.extensions import db
from placement.models import OrganisationInterest
from placement.services import open_role_cache, roles, snapshot, student_roles


@pytest.fixture(autouse=True)
def empty_cache():
    open_role_cache.clear()
    yield
    open_role_cache.clear()


def _ranked(profile) -> list[int]:
    return list(open_role_cache.ranking(profile, open_role_cache.current(db.session)))


def _skills_of_student():
    return {"python": 3, "sql": 2}


def test_paging_and_filtering_reuse_one_ranking_per_student_and_data_version(app, client):
    profile = create_student(skills=_skills_of_student())
    organisation, _ = create_organisation()
    for number in range(25):
        create_role(
            organisation, title=f"Analyst {number}", borough="camden" if number % 2 else "hackney"
        )
    db.session.commit()
    sign_in(client, profile.user.email, PASSWORD)
    for url in ("/student/roles", "/student/roles?page=2", "/student/roles?borough=camden"):
        assert client.get(url).status_code == 200
    assert open_role_cache.ranking_builds() == 1
    page_two = text_of(client.get("/student/roles?page=2"))
    assert "25 roles" in page_two and 'start="21"' in page_two


def test_a_change_to_a_role_s_skills_makes_a_new_version_and_a_new_ranking(app):
    profile = create_student(skills=_skills_of_student())
    organisation, _ = create_organisation()
    plain = create_role(organisation, title="Plain", skills={"figma": (1, 1, False)})
    other = create_role(organisation, title="Other", skills={"figma": (1, 1, False)})
    db.session.commit()
    before = open_role_cache.data_version(db.session)
    first = _ranked(profile)
    details = roles.RoleDetails.of(other)
    asks = [roles.SkillAsk("python", 3, 3, True, 0), roles.SkillAsk("sql", 2, 3, False, 1)]
    roles.update(
        db.session,
        other,
        dataclasses.replace(details, skills=asks),
        today=date(2027, 1, 1),
    )
    db.session.commit()
    assert open_role_cache.data_version(db.session) != before
    second = _ranked(profile)
    assert open_role_cache.ranking_builds() == 2
    assert second[0] == other.id and set(first) == set(second) == {plain.id, other.id}


def test_a_closed_or_full_role_leaves_the_list_at_once(app):
    profile = create_student(skills=_skills_of_student())
    organisation, _ = create_organisation()
    kept = create_role(organisation, title="Kept")
    closed = create_role(organisation, title="Closed")
    filled = create_role(organisation, title="Filled", places=1)
    db.session.commit()
    assert student_roles.open_role_ids(db.session) == {kept.id, closed.id, filled.id}
    roles.close(db.session, closed)
    filled.places_taken = 1
    db.session.commit()
    assert student_roles.open_role_ids(db.session) == {kept.id}
    assert _ranked(profile) == [kept.id]


def test_an_organisation_marking_a_student_changes_the_version(app):
    profile = create_student(skills=_skills_of_student())
    organisation, _ = create_organisation()
    role = create_role(organisation)
    db.session.commit()
    before = open_role_cache.data_version(db.session)
    db.session.add(OrganisationInterest(role_id=role.id, student_id=profile.id, rank=1))
    db.session.commit()
    assert open_role_cache.data_version(db.session) != before
    assert open_role_cache.current(db.session).interests == {profile.id: frozenset({role.id})}


def test_a_mark_makes_a_new_version_but_not_a_new_index_of_the_roles(app):
    profile = create_student(skills=_skills_of_student())
    organisation, _ = create_organisation()
    role = create_role(organisation)
    db.session.commit()
    index = open_role_cache.current(db.session).index
    db.session.add(OrganisationInterest(role_id=role.id, student_id=profile.id, rank=1))
    db.session.commit()
    assert open_role_cache.current(db.session).index is index
    create_role(organisation, title="Another")
    db.session.commit()
    assert open_role_cache.current(db.session).index is not index


def test_the_cache_keeps_at_most_its_size_and_drops_the_least_recently_used():
    cache: open_role_cache.BoundedCache[int, str] = open_role_cache.BoundedCache(2)
    for key in (1, 2, 1, 3):
        cache.get(key, lambda key=key: f"value {key}")
    assert cache.builds == 3
    assert cache.get(1, lambda: "rebuilt") == "value 1"
    assert cache.get(2, lambda: "rebuilt") == "rebuilt"


def test_the_first_request_lists_the_best_fit_first(app, client):
    profile = create_student(skills=_skills_of_student())
    organisation, _ = create_organisation()
    create_role(organisation, title="Early start", skills={"figma": (1, 1, False)})
    create_role(
        organisation,
        title="Best fit",
        start_date=date(2027, 7, 5),
        skills={"python": (3, 3, True), "sql": (2, 2, False)},
    )
    db.session.commit()
    sign_in(client, profile.user.email, PASSWORD)
    page = text_of(client.get("/student/roles"))
    assert "Roles are listed with the best fit for you first" in page
    assert page.index("Best fit") < page.index("Early start")
    assert open_role_cache.ranking_builds() == 1


def _explained(profile, open_roles) -> tuple[list[int], int]:
    """The ranking as the engine's explain_student gives it, every open role's reasons written."""
    student = snapshot.student_entry(profile, set(open_roles.row_of))
    marked = open_roles.interests.get(profile.id, frozenset())
    document = {
        "format": snapshot.FORMAT,
        "students": [student],
        "roles": [
            {**entry, "preferences": [student["id"]] if role_id in marked else []}
            for role_id, entry in open_roles.entries.items()
        ],
    }
    explained = matching.explain_student(document, student["id"])["roles"]
    order = [snapshot.row_id(entry["role"]) for entry in explained]
    return order, sum(1 for entry in explained if entry["feasible"])


def test_the_ranking_is_explain_students_order_with_marked_roles_listing_the_student(app):
    profile = create_student(skills=_skills_of_student(), work_modes=["hybrid", "remote"])
    organisation, _ = create_organisation()
    # Roles 2 and 4 are alike but for the mark; role 1 is on-site only and 5 asks for Level 7.
    asks = [
        ({"python": (3, 3, True)}, "hybrid", "camden"),
        ({"python": (4, 3, True), "sql": (5, 1, True)}, "on-site", "hackney"),
        ({"sql": (2, 2, False)}, "remote", "bromley"),
        ({"figma": (1, 1, False)}, "hybrid", "camden"),
        ({"sql": (2, 2, False)}, "remote", "bromley"),
        ({"python": (2, 1, False)}, "hybrid", "hackney"),
    ]
    made = [
        create_role(
            organisation,
            title=f"Role {number}",
            skills=skills,
            work_mode=work_mode,
            borough=borough,
            min_rqf_level=7 if number == 5 else 6,
        )
        for number, (skills, work_mode, borough) in enumerate(asks)
    ]
    db.session.add(OrganisationInterest(role_id=made[4].id, student_id=profile.id, rank=1))
    db.session.commit()
    open_roles = open_role_cache.current(db.session)
    ranked = open_role_cache.ranking(profile, open_roles)
    order, matchable = _explained(profile, open_roles)
    assert (list(ranked.order), ranked.matchable) == (order, matchable)
    assert 0 < matchable < len(made) and order.index(made[4].id) < order.index(made[2].id)
