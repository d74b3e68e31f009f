"""The organisation area through its pages: the dashboard, invitations and the role journey."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from support.factories import (
    PASSWORD,
    create_coordinator,
    create_organisation,
    create_role,
    create_student,
    create_user,
)
from support.http import csrf_token, sign_in, submit, text_of
from support.organisation import role_form

from placement import reference
from placement.extensions import db
from placement.models import AuditEvent, Invitation, PlacementRole, User


def _signed_in(client, verified=True, **fields):
    organisation, member = create_organisation(verified=verified)
    for name, value in fields.items():
        setattr(organisation, name, value)
    db.session.commit()
    sign_in(client, member.email, PASSWORD)
    return organisation, member


def _role_count():
    return db.session.execute(select(func.count(PlacementRole.id))).scalar()


def test_the_dashboard_shows_the_details_the_verification_state_and_the_sme_rule(client):
    organisation, member = _signed_in(client, verified=False, headcount=300)
    page = text_of(client.get("/organisation/"))
    assert f">{organisation.name}</h1>" in page
    assert "Waiting for a coordinator to check" in page
    assert "does not count as an SME" in page and "not an SME (250 or more)" in page
    assert organisation.companies_house_number in page and member.email in page
    assert 'href="/organisation/members/invite"' in page


def test_a_verified_sme_sees_no_sme_warning_and_a_refused_one_sees_the_reason(client):
    organisation, _ = _signed_in(client)
    page = text_of(client.get("/organisation/"))
    assert "Verified" in page and "does not count as an SME" not in page
    organisation.status, organisation.refusal_reason = "refused", "Not based in London"
    db.session.commit()
    refused = text_of(client.get("/organisation/"))
    assert "Refused" in refused and "Not based in London" in refused


def test_a_member_changes_the_contact_details_and_the_change_is_recorded(client):
    organisation, member = _signed_in(client)
    other, _ = create_organisation("Another Ltd")
    page = text_of(client.get("/organisation/details"))
    assert organisation.contact_name in page and "contact the programme coordinators" in page
    form = {
        "contact_name": "Ada Byron",
        "contact_email": "Ada.Byron@Example.org",
        "contact_phone": "",
        "address": "1 New Street, London",
    }
    saved = submit(client, "/organisation/details", form, follow=True)
    assert "Details saved." in text_of(saved) and "1 New Street, London" in text_of(saved)
    db.session.refresh(organisation)
    assert (organisation.contact_name, organisation.contact_email, organisation.contact_phone) == (
        "Ada Byron",
        "ada.byron@example.org",
        None,
    )
    assert db.session.get(type(other), other.id).contact_name != "Ada Byron"
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "organisation_details_changed")
    ).scalar_one()
    assert event.actor_id == member.id and "address" in event.detail["fields"]
    assert "Ada" not in str(event.detail)


def test_bad_contact_details_are_refused_with_messages_keeping_what_was_typed(client):
    organisation, _member = _signed_in(client)
    before = organisation.contact_email
    form = {
        "contact_name": " ",
        "contact_email": "not an address",
        "contact_phone": "call me",
        "address": "2 Old Road",
    }
    page = text_of(submit(client, "/organisation/details", form))
    assert "There is a problem" in page
    assert "Enter the contact" in page and "Enter a telephone number" in page
    assert 'value="not an address"' in page and "2 Old Road" in page
    db.session.refresh(organisation)
    assert organisation.contact_email == before and organisation.address != "2 Old Road"


def test_a_member_invites_a_colleague_who_joins_the_same_organisation(client, outbox):
    organisation, _ = _signed_in(client)
    response = submit(client, "/organisation/members/invite", {"email": "Colleague@Example.com"})
    assert response.headers["Location"].endswith("/organisation/")
    assert outbox[0].to == ["colleague@example.com"] and organisation.name in outbox[0].body
    link = re.search(r"http://localhost(/\S+)", outbox[0].body).group(1)
    client.post("/sign-out", data={"csrf_token": csrf_token(text_of(client.get("/sign-out")))})
    joined = submit(client, link, {"password": "purple elephants dance quietly"})
    assert joined.headers["Location"].endswith("/organisation/")
    user = db.session.execute(
        select(User).where(User.email == "colleague@example.com")
    ).scalar_one()
    assert user.organisation.id == organisation.id


def test_inviting_needs_a_valid_address_not_already_in_use(client, outbox):
    _signed_in(client)
    empty = submit(client, "/organisation/members/invite", {"email": ""})
    assert empty.status_code == 200 and "Enter your" in text_of(empty)
    create_user("student", "taken@example.com")
    taken = submit(client, "/organisation/members/invite", {"email": "taken@example.com"})
    page = text_of(taken)
    assert "already has an account" in page and 'value="taken@example.com"' in page
    assert 'href="#email"' in page
    assert outbox == [] and db.session.execute(select(Invitation)).first() is None


def test_the_role_form_states_the_living_wage_rule_and_refuses_lower_pay_keeping_what_was_typed(
    client,
):
    _signed_in(client)
    page = text_of(client.get("/organisation/roles/new"))
    assert "At least £14.80 an hour: the London Living Wage in force on the start date" in page
    response = submit(client, "/organisation/roles/new", role_form(pay="12.00", title="Analyst X"))
    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page and 'href="#pay"' in page
    assert "Pay must be at least £14.80 an hour" in page and "1 July 2027" in page
    assert 'value="Analyst X"' in page and 'value="12.00"' in page
    assert "<title>Error:" in page
    assert _role_count() == 0


def test_an_empty_or_nonsensical_role_form_gives_messages_never_a_server_error(client):
    _signed_in(client)
    empty = submit(client, "/organisation/roles/new", {})
    assert empty.status_code == 200
    page = text_of(empty)
    for message in (
        "Enter a job title",
        "Enter the start date",
        "Enter pay per hour",
        "Select how the student will work",
    ):
        assert message in page
    assert 'href="#start_date-day"' in page
    odd = role_form(
        places="9" * 40,
        hours_per_week="lots",
        pay="£1e9",
        **{
            "start_date-day": "31",
            "start_date-month": "2",
            "end_date-year": "27",
            "skills-0-level": "99",
            "skills-1-skill": "x" * 500,
            "skills-7-weight": "nope",
        },
    )
    response = submit(client, "/organisation/roles/new", odd)
    assert response.status_code == 200
    page = text_of(response)
    assert "Number of places must be between 1 and 10" in page
    assert "Start date must be a real date" in page and "Year must include 4 numbers" in page
    assert "Enter pay per hour in pounds and pence" in page
    assert _role_count() == 0


def test_markup_sent_as_a_skill_is_shown_as_text_never_as_markup(client):
    _signed_in(client)
    script = "<script>alert(1)</script>"
    sent = role_form(skill_choice=script, **{"skills-0-skill": script, "skills-1-skill": script})
    response = submit(client, "/organisation/roles/new", sent)
    assert response.status_code == 200
    page = text_of(response)
    assert script not in page
    assert _role_count() == 0


def test_a_skill_sent_twice_is_kept_once_and_none_ticked_is_refused_at_the_chooser(client):
    _signed_in(client)
    skills = [("python", 2, 3, "required"), ("sql", 2, 2, "desired"), ("python", 3, 1, "desired")]
    assert submit(client, "/organisation/roles/new", role_form(skills)).status_code == 302
    role = db.session.execute(select(PlacementRole)).scalar_one()
    assert {(s.skill_id, s.level, s.weight, s.required) for s in role.skills} == {
        ("python", 2, 3, True),
        ("sql", 2, 2, False),
    }
    no_skills = text_of(submit(client, "/organisation/roles/new", role_form([])))
    assert "Select at least one skill" in no_skills and 'href="#skill-chooser"' in no_skills


def test_the_role_form_chooses_skills_with_the_searchable_checkboxes_in_alphabetical_order(
    client,
):
    _signed_in(client)
    page = text_of(client.get("/organisation/roles/new"))
    assert (
        "<select" not in page[page.index('id="skill-chooser"') : page.index("data-skills-update")]
    )
    assert page.count("<option") < 100  # boroughs and sectors; the skills are checkboxes
    assert "data-skills-search" in page and "js/skills-search.js" in page
    labels = re.findall(
        r'name="skill_choice" type="checkbox" value="[^"]+" data-label="([^"]+)"', page
    )
    assert len(labels) > 200
    programming = page[page.index('data-skill-group="Programming languages"') :]
    programming = programming[: programming.index("</details>")]
    group = re.findall(r'data-label="([^"]+)"', programming)
    assert group == sorted(group, key=str.casefold)
    data = page[page.index('data-skill-group="Data and AI"') :]
    data = re.findall(r'data-label="([^"]+)"', data[: data.index("</details>")])
    assert data == sorted(data, key=str.casefold) and data[-1] != "pandas"
    assert "its importance only sets how much the desired skills count beside it" in page


def test_skills_sort_in_the_readers_alphabet_not_the_databases():
    labels = ["pandas", "Python", "AJAX", "Access control", "Éléments", "Elm"]
    assert sorted(labels, key=reference.alphabetical) == [
        "Access control",
        "AJAX",
        "Éléments",
        "Elm",
        "pandas",
        "Python",
    ]


def test_without_javascript_update_the_skills_adds_a_row_for_each_ticked_skill(client):
    _signed_in(client)
    typed = role_form([("python", 2, 3, "required")], action="skills")
    typed["skill_choice"] = ["python", "figma"]
    page = text_of(submit(client, "/organisation/roles/new", typed))
    assert "govuk-error-summary" not in page
    rows = page[page.index('id="skill-details"') : page.index('id="skill-row-template"')]
    assert 'name="skills-0-skill" value="python"' in rows
    assert 'name="skills-1-skill" value="figma"' in rows
    assert '<option value="2" selected>2: ' in rows  # Python's level, as typed
    assert 'formaction="/organisation/roles/new#skill-details"' in page
    typed["skill_choice"] = ["figma"]
    fewer = text_of(submit(client, "/organisation/roles/new", typed))
    rows = fewer[fewer.index('id="skill-details"') : fewer.index('id="skill-row-template"')]
    assert 'value="python"' not in rows and 'name="skills-0-skill" value="figma"' in rows


def test_a_role_is_saved_as_a_draft_with_its_skills(client):
    organisation, _ = _signed_in(client)
    response = submit(client, "/organisation/roles/new", role_form())
    role = db.session.execute(select(PlacementRole)).scalar_one()
    assert response.headers["Location"].endswith(f"/organisation/roles/{role.id}")
    assert role.status == "draft" and role.organisation_id == organisation.id
    assert role.pay_pence_per_hour == 1500 and role.places == 2
    assert {(s.skill_id, s.level, s.weight, s.required) for s in role.skills} == {
        ("python", 2, 3, True),
        ("sql", 2, 2, False),
    }
    page = text_of(client.get(f"/organisation/roles/{role.id}", follow_redirects=True))
    assert "Role saved as a draft" in page and "£15.00 an hour" in page and "Python" in page


def test_an_unverified_organisation_publishing_gets_a_draft_that_waits_for_verification(client):
    _signed_in(client, verified=False)
    response = submit(client, "/organisation/roles/new", role_form(action="publish"), follow=True)
    assert "Your role will be published once a coordinator has verified your organisation" in (
        text_of(response)
    )
    role = db.session.execute(select(PlacementRole)).scalar_one()
    assert role.status == "draft" and role.publish_on_verification


def test_checking_the_pool_keeps_what_was_typed_and_saves_nothing(client):
    _signed_in(client)
    create_student(skills={"python": 3})
    response = submit(client, "/organisation/roles/new", role_form(action="check", title="Kept"))
    page = text_of(response)
    assert response.status_code == 200
    assert "1 student meets all your requirements" in page and "Nothing has been saved" in page
    assert 'value="Kept"' in page
    assert _role_count() == 0


def test_a_published_role_is_edited_and_stays_published(client):
    organisation, _ = _signed_in(client)
    role = create_role(organisation)
    page = text_of(client.get(f"/organisation/roles/{role.id}/edit"))
    assert 'value="Junior data analyst"' in page and "meet all your requirements" in page
    response = submit(
        client, f"/organisation/roles/{role.id}/edit", role_form(hours_per_week="20", action="save")
    )
    assert response.status_code == 302
    db.session.refresh(role)
    assert role.hours_per_week == 20 and role.status == "published"


def test_a_draft_is_published_then_copied_then_closed_from_its_page(client):
    organisation, _ = _signed_in(client)
    role = create_role(organisation, status="draft")
    page_url = f"/organisation/roles/{role.id}"
    submit(client, f"{page_url}/publish", page=page_url)
    db.session.refresh(role)
    assert role.status == "published"
    copied = submit(client, f"{page_url}/copy", page=page_url)
    copy = db.session.execute(
        select(PlacementRole).where(PlacementRole.copied_from_id == role.id)
    ).scalar_one()
    assert copied.headers["Location"].endswith(f"/organisation/roles/{copy.id}/edit")
    assert copy.status == "draft"
    assert "Are you sure" in text_of(client.get(f"{page_url}/close"))
    submit(client, f"{page_url}/close")
    db.session.refresh(role)
    assert role.status == "closed"
    assert client.get(f"{page_url}/edit").status_code == 302
    listing = text_of(client.get("/organisation/roles"))
    assert "Closed" in listing and "Published" not in listing and "Draft" in listing


def test_publishing_a_draft_that_breaks_a_rule_shows_the_form_with_the_problem(client):
    organisation, _ = _signed_in(client)
    role = create_role(organisation, status="draft", pay_pence_per_hour=900)
    page_url = f"/organisation/roles/{role.id}"
    response = submit(client, f"{page_url}/publish", page=page_url)
    page = text_of(response)
    assert response.status_code == 200 and "Pay must be at least" in page
    db.session.refresh(role)
    assert role.status == "draft"


ROLE_PAGES = ["", "/edit", "/candidates", "/close"]
ROLE_ACTIONS = ["/edit", "/publish", "/close", "/copy", "/candidates/ABCDEF1234/mark"]


def test_another_organisation_s_roles_are_not_found_on_every_page_and_action(client):
    _signed_in(client)
    other, _ = create_organisation()
    role = create_role(other, status="draft")
    token = csrf_token(text_of(client.get("/organisation/roles/new")))
    for suffix in ROLE_PAGES:
        assert client.get(f"/organisation/roles/{role.id}{suffix}").status_code == 404, suffix
    for suffix in ROLE_ACTIONS:
        response = client.post(
            f"/organisation/roles/{role.id}{suffix}", data={"csrf_token": token, **role_form()}
        )
        assert response.status_code == 404, suffix
    db.session.refresh(role)
    assert role.status == "draft" and _role_count() == 1
    assert client.get("/organisation/roles/999999").status_code == 404


@pytest.mark.parametrize("role", ["student", "coordinator"])
def test_other_kinds_of_account_cannot_open_the_organisation_area(client, role):
    user = create_coordinator() if role == "coordinator" else create_student().user
    sign_in(client, user.email, PASSWORD)
    assert client.get("/organisation/").status_code == 403
    assert client.get("/organisation/roles/new").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/organisation/roles").status_code == 302
