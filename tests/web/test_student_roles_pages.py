"""Browsing open roles with their fit, a role's page, and ranking choices through the pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from support.factories import PASSWORD, create_organisation, create_role, create_student
from support.http import sign_in, submit, text_of

from placement.extensions import db
from placement.models import StudentPreference
from placement.services import open_role_cache, role_openers, student_roles


def _signed_in_student(client, **fields):
    profile = create_student(email="browser@example.org", **fields)
    sign_in(client, "browser@example.org", PASSWORD)
    return profile


def _choices(profile_id: int) -> list[int]:
    rows = db.session.execute(
        select(StudentPreference.role_id)
        .where(StudentPreference.student_id == profile_id)
        .order_by(StudentPreference.rank)
    )
    return list(rows.scalars())


def test_the_roles_page_lists_open_roles_with_their_fit(app, client):
    _signed_in_student(client)
    organisation, _ = create_organisation("Tiny Data Ltd")
    create_role(organisation, title="Junior data analyst")
    create_role(organisation, title="Research engineer", min_rqf_level=7)
    create_role(organisation, title="Secret draft", status="draft")
    page = text_of(client.get("/student/roles?show=all"))
    assert "govuk-error-summary" not in page
    assert "2 roles" in page
    assert "Junior data analyst" in page and "Tiny Data Ltd" in page
    assert "Secret draft" not in page
    assert re.search(r"Good fit \d+%|Possible fit \d+%", page)
    assert "Does not meet: needs Level 7 or above (you are Level 6)" in page
    assert page.index("Junior data analyst") < page.index("Research engineer")
    assert "£15.00 an hour" in page and "Hackney, hybrid" in page


def test_filters_are_kept_in_the_address_and_narrow_the_list(app, client):
    _signed_in_student(client)
    organisation, _ = create_organisation()
    create_role(organisation, title="Remote tester", work_mode="remote", borough="camden")
    create_role(organisation, title="Office analyst", work_mode="on-site")
    page = text_of(client.get("/student/roles?work_mode=remote&borough=camden&skill=&sector="))
    assert "Remote tester" in page and "Office analyst" not in page
    assert '<option value="remote" selected>' in page
    assert '<option value="camden" selected>' in page
    assert "Clear filters" in page
    assert "/student/roles/" in page and "work_mode=remote" in page


def test_an_unknown_filter_value_is_reported_not_a_server_error(app, client):
    _signed_in_student(client)
    response = client.get("/student/roles?sector=moon-mining")
    assert response.status_code == 200
    assert "Select a sector from the list" in text_of(response)


def test_roles_are_paginated_twenty_to_a_page(app, client):
    _signed_in_student(client)
    organisation, _ = create_organisation()
    for number in range(23):
        create_role(organisation, title=f"Role number {number:02d}")
    first = text_of(client.get("/student/roles"))
    assert first.count("Role number") == 20
    assert "govuk-pagination" in first and "page=2" in first
    second = text_of(client.get("/student/roles?page=2"))
    assert second.count("Role number") == 3
    assert text_of(client.get("/student/roles?page=99")).count("Role number") == 3
    assert text_of(client.get("/student/roles?page=²")).count("Role number") == 20


def test_an_incomplete_profile_sees_roles_without_a_fit(app, client):
    _signed_in_student(client, submitted=False, skills={})
    organisation, _ = create_organisation()
    create_role(organisation)
    page = text_of(client.get("/student/roles"))
    assert "Complete your profile to see how well each role fits you" in page
    assert "Good fit" not in page


def test_a_role_page_gives_the_engines_reasons_with_skill_labels(app, client):
    _signed_in_student(client, skills={"python": 3, "sql": 1})
    organisation, _ = create_organisation("Tiny Data Ltd")
    role = create_role(organisation, skills={"python": (2, 3, True), "power-bi": (2, 1, False)})
    page = text_of(client.get(f"/student/roles/{role.id}?sector=fintech"))
    assert "<h1" in page and "Junior data analyst" in page
    assert "Skills matched: Python (level 3, asked 2)" in page
    assert "Skills missing: Power BI (asked 2)" in page
    assert "power-bi" not in re.search(r'id="fit-reasons".*?</ul>', page, re.S).group(0)
    assert 'href="/student/roles?sector=fintech"' in page
    assert "Add to my choices" in page


def test_a_role_the_student_cannot_meet_lists_every_failed_rule(app, client):
    _signed_in_student(client, skills={"sql": 2}, hours_per_week=20)
    organisation, _ = create_organisation()
    role = create_role(organisation, min_rqf_level=8)
    page = text_of(client.get(f"/student/roles/{role.id}"))
    assert "The role needs Level 8 or above (you are Level 6)" in page
    assert "The role needs 30 hours a week (you offer 20)" in page
    assert "The role needs Python at level 2 (you do not have it)" in page


@pytest.mark.parametrize(
    "fields",
    [{"status": "draft"}, {"status": "closed"}, {"places": 2, "places_taken": 2}],
)
def test_a_role_that_is_not_open_is_not_found(app, client, fields):
    _signed_in_student(client)
    organisation, _ = create_organisation()
    role = create_role(organisation, **fields)
    assert client.get(f"/student/roles/{role.id}").status_code == 404
    other = create_role(organisation)
    refused = submit(
        client, f"/student/roles/{role.id}/choose", {}, page=f"/student/roles/{other.id}"
    )
    assert refused.status_code == 404


def test_a_role_of_an_unverified_organisation_is_not_found(app, client):
    _signed_in_student(client)
    organisation, _ = create_organisation(verified=False)
    role = create_role(organisation)
    assert client.get(f"/student/roles/{role.id}").status_code == 404
    assert client.get("/student/roles/999999").status_code == 404


def test_a_student_adds_roles_to_their_choices_and_a_sixth_is_refused(app, client):
    profile = _signed_in_student(client)
    organisation, _ = create_organisation()
    roles = [create_role(organisation, title=f"Role {number}") for number in range(6)]
    for role in roles[:5]:
        added = submit(
            client, f"/student/roles/{role.id}/choose", {}, page=f"/student/roles/{role.id}"
        )
        assert added.headers["Location"].endswith("/student/choices")
    assert "Role 4 is your 5th choice" in text_of(client.get("/student/choices"))
    sixth = text_of(client.get(f"/student/roles/{roles[5].id}"))
    assert "Add to my choices" not in sixth
    assert "You have chosen 5 of 5 roles, the most you can have" in sixth
    refused = submit(client, f"/student/roles/{roles[5].id}/choose", {}, page="/student/choices")
    html = text_of(refused)
    assert refused.status_code == 200
    assert "govuk-error-summary" in html and "You already have 5 choices" in html
    assert _choices(profile.id) == [role.id for role in roles[:5]]
    assert "This role is your 2nd choice" in text_of(client.get(f"/student/roles/{roles[1].id}"))


def test_the_choices_page_moves_and_removes_choices(app, client):
    profile = _signed_in_student(client)
    organisation, _ = create_organisation()
    first, second, third = (create_role(organisation, title=f"Choice {n}") for n in "ABC")
    for role in (first, second, third):
        student_roles.add_choice(db.session, profile, role)
    db.session.commit()
    page = text_of(client.get("/student/choices"))
    assert 'Move up<span class="govuk-visually-hidden">: Choice C' in page
    submit(client, f"/student/choices/{third.id}/up", {}, page="/student/choices")
    assert _choices(profile.id) == [first.id, third.id, second.id]
    submit(client, f"/student/choices/{first.id}/down", {}, page="/student/choices")
    assert _choices(profile.id) == [third.id, first.id, second.id]
    submit(client, f"/student/choices/{first.id}/remove", {}, page="/student/choices")
    assert _choices(profile.id) == [third.id, second.id]


def test_a_closed_choice_is_marked_and_can_still_be_removed(app, client):
    profile = _signed_in_student(client)
    organisation, _ = create_organisation()
    role = create_role(organisation)
    student_roles.add_choice(db.session, profile, role)
    role.status = "closed"
    db.session.commit()
    assert "No longer open" in text_of(client.get("/student/choices"))
    submit(client, f"/student/choices/{role.id}/remove", {}, page="/student/choices")
    assert _choices(profile.id) == []


def test_a_student_cannot_change_another_students_choices(app, client):
    other = create_student(email="other@example.org")
    organisation, _ = create_organisation()
    role = create_role(organisation)
    student_roles.add_choice(db.session, other, role)
    db.session.commit()
    _signed_in_student(client)
    refused = submit(client, f"/student/choices/{role.id}/remove", {}, page="/student/equality")
    assert refused.status_code == 404
    assert _choices(other.id) == [role.id]


def test_choice_actions_need_the_csrf_token(app, client):
    profile = _signed_in_student(client)
    organisation, _ = create_organisation()
    role = create_role(organisation)
    assert client.post(f"/student/roles/{role.id}/choose").status_code == 400
    assert _choices(profile.id) == []


def test_a_student_below_level_6_sees_roles_but_cannot_choose(app, client):
    _signed_in_student(client, rqf_level=5, submitted=False)
    organisation, _ = create_organisation()
    role = create_role(organisation)
    page = text_of(client.get(f"/student/roles/{role.id}"))
    assert "Add to my choices" not in page
    assert "Level 6" in page


def _roles_a_student_partly_meets():
    organisation, _ = create_organisation("Tiny Data Ltd")
    create_role(organisation, title="Analyst you meet")
    for title in ("Git analyst one", "Git analyst two"):
        create_role(organisation, title=title, skills={"version-control": (2, 3, True)})
    create_role(
        organisation,
        title="Platform engineer",
        skills={"version-control": (2, 3, True), "docker": (3, 3, True)},
    )
    create_role(organisation, title="Remote data role", work_mode="remote")


def test_the_roles_page_lists_by_default_only_the_roles_the_student_can_be_matched_to(app, client):
    _signed_in_student(client, work_modes=["hybrid"])
    _roles_a_student_partly_meets()
    page = text_of(client.get("/student/roles"))
    assert "1 role you can be matched to" in page
    assert "Analyst you meet" in page and "Git analyst one" not in page
    assert "Roles you can be matched to (1)" in page and "All open roles (5)" in page
    every = text_of(client.get("/student/roles?show=all"))
    assert "5 roles" in every and "Git analyst one" in every and "Platform engineer" in every


def test_the_roles_page_names_the_changes_that_would_open_the_most_roles(app, client):
    _signed_in_student(client, work_modes=["hybrid"])
    _roles_a_student_partly_meets()
    page = text_of(client.get("/student/roles"))
    openings = page[page.index('id="openings"') :]
    openings = openings[: openings.index("</div>")]
    items = re.findall(r"<li>([^<]*)</li>", openings)
    assert items[0] == "Add Version control at level 2 and add Docker at level 3: 3 more roles"
    assert "Add Version control at level 2: 2 more roles" in items
    assert "Also accept remote work: 1 more role" in items
    assert len(items) == 3


def test_the_suggested_changes_are_worked_out_once_per_student_and_version_of_the_roles(
    app, client, monkeypatch
):
    open_role_cache.clear()
    _signed_in_student(client, skills={"python": 1})
    organisation, _ = create_organisation()
    create_role(organisation, title="Python role", skills={"python": (3, 3, True)})
    worked_out = []
    real = role_openers.suggestions

    def counted(*args):
        worked_out.append(args)
        return real(*args)

    monkeypatch.setattr(role_openers, "suggestions", counted)
    for url in ("/student/roles", "/student/roles?show=all", "/student/roles?page=1"):
        assert "Raise Python to level 3: 1 more role" in text_of(client.get(url))
    assert len(worked_out) == 1
    create_role(organisation, title="Second Python role", skills={"python": (3, 3, True)})
    db.session.commit()
    assert "Raise Python to level 3: 2 more roles" in text_of(client.get("/student/roles"))
    assert len(worked_out) == 2


def test_a_student_who_meets_no_role_is_shown_all_roles_and_what_would_open_some(app, client):
    _signed_in_student(client, skills={"python": 1})
    organisation, _ = create_organisation()
    create_role(organisation, title="Python role", skills={"python": (3, 3, True)})
    page = text_of(client.get("/student/roles"))
    assert "Roles you can be matched to (0)" in page
    assert "1 role" in page and "Python role" in page
    assert "Raise Python to level 3: 1 more role" in page
    empty = text_of(client.get("/student/roles?show=matched"))
    assert "You do not meet every rule of any of these roles yet" in empty


def test_a_filtered_view_keeps_the_filters_and_the_view_in_every_link(app, client):
    _signed_in_student(client, work_modes=["hybrid"])
    _roles_a_student_partly_meets()
    page = text_of(client.get("/student/roles?show=all&work_mode=remote"))
    assert "Remote data role" in page and "Analyst you meet" not in page
    assert '<input type="hidden" name="show" value="all">' in page
    assert "show=all" in page[page.index('id="results"') :]


def test_a_role_the_student_cannot_be_matched_to_explains_instead_of_offering_to_add_it(
    app, client
):
    profile = _signed_in_student(client)
    organisation, _ = create_organisation()
    role = create_role(organisation, title="Research engineer", min_rqf_level=7)
    open_to_them = create_role(organisation, title="Junior data analyst")
    page = text_of(client.get(f"/student/roles/{role.id}"))
    assert "Add to my choices" not in page
    assert "You cannot add this role to your choices" in page
    assert "Add to my choices" in text_of(client.get(f"/student/roles/{open_to_them.id}"))
    refused = submit(
        client, f"/student/roles/{role.id}/choose", {}, page=f"/student/roles/{open_to_them.id}"
    )
    assert refused.status_code == 200
    assert "you would never be matched to it" in text_of(refused)
    assert _choices(profile.id) == []
