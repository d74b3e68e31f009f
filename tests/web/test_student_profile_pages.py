"""The profile's pages: the task list, each task with its errors, checking, submitting, locking."""

from __future__ import annotations

import re
from datetime import date

import pytest
from support.factories import (
    PASSWORD,
    create_organisation,
    create_role,
    create_student,
    create_user,
)
from support.http import sign_in, submit, text_of

from placement.extensions import db
from placement.models import MatchingRound, Proposal, StudentProfile, User
from placement.services import students

NEXT_YEAR = str(date.today().year + 1)

STUDENT_PAGES = [
    "/student/",
    "/student/profile/about",
    "/student/profile/course",
    "/student/profile/skills",
    "/student/profile/skills/levels",
    "/student/profile/availability",
    "/student/profile/where",
    "/student/profile/right-to-work",
    "/student/profile/sectors",
    "/student/profile/check",
    "/student/eligibility",
    "/student/equality",
    "/student/roles",
    "/student/choices",
    "/student/personal-data",
    "/student/personal-data/download",
    "/student/personal-data/delete",
]


def _new_student(client) -> StudentProfile:
    user = create_user("student")
    profile = students.profile_for(db.session, user)
    db.session.commit()
    sign_in(client, user.email, PASSWORD)
    return profile


def _profile(profile_id: int) -> StudentProfile:
    return db.session.get(StudentProfile, profile_id)


def _error_summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert match, "the page has no error summary"
    return match.group(0)


@pytest.mark.parametrize("path", STUDENT_PAGES)
def test_every_student_page_needs_a_signed_in_student(app, client, path):
    assert client.get(path).status_code == 302
    coordinator = create_user("coordinator")
    sign_in(client, coordinator.email, PASSWORD)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", STUDENT_PAGES[:10])
def test_organisation_members_cannot_open_student_pages(app, client, path):
    _, member = create_organisation()
    sign_in(client, member.email, PASSWORD)
    assert client.get(path).status_code == 403


def test_a_new_student_sees_a_task_list_with_nothing_started(app, client):
    _new_student(client)
    page = text_of(client.get("/student/"))
    assert "<h1" in page and "Your placement profile" in page
    assert page.count("Not yet started") == len(students.TASKS)
    assert "Cannot start yet" in page
    assert "Profile status" in page and "Draft" in page


# (path, empty-form message, valid data, what the profile holds afterwards)
TASKS = [
    (
        "/student/profile/about",
        "Enter your first name",
        {"given_name": "Amara", "family_name": "Okafor", "phone": ""},
        {"given_name": "Amara", "family_name": "Okafor", "phone": None},
    ),
    (
        "/student/profile/course",
        "Select your university",
        {
            "university_id": "kcl",
            "course": "MSc Data Science",
            "rqf_level": "7",
            "expected_graduation": ["9", "2030"],
        },
        {"university_id": "kcl", "rqf_level": 7, "expected_graduation": date(2030, 9, 1)},
    ),
    (
        "/student/profile/availability",
        "Enter the date you can start",
        {
            "available_from": ["1", "6", NEXT_YEAR],
            "available_until": ["30", "9", NEXT_YEAR],
            "hours_per_week": "35",
        },
        {"available_from": date(int(NEXT_YEAR), 6, 1), "hours_per_week": 35},
    ),
    (
        "/student/profile/where",
        "Select at least one way you would like to work",
        {"work_modes": ["hybrid", "remote"], "borough": "lambeth"},
        {"work_modes": ["hybrid", "remote"], "borough": "lambeth"},
    ),
    (
        "/student/profile/right-to-work",
        "Select yes if you have the right to work in the UK",
        {"right_to_work": "yes"},
        {"right_to_work": True},
    ),
    (
        "/student/profile/sectors",
        "Select at least one sector that interests you",
        {"sectors": ["edtech", "fintech"]},
        {"sectors": ["fintech", "edtech"]},
    ),
]


@pytest.mark.parametrize(("path", "message", "data", "expected"), TASKS)
def test_each_task_page_shows_errors_then_saves_and_returns_to_the_task_list(
    app, client, path, message, data, expected
):
    profile = _new_student(client)
    page = client.get(path)
    assert page.status_code == 200 and "govuk-back-link" in text_of(page)
    refused = submit(client, path, {})
    html = text_of(refused)
    assert refused.status_code == 200
    assert message in _error_summary(html)
    assert "govuk-error-message" in html and "<title>Error:" in html
    saved = submit(client, path, data)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/student/")
    stored = _profile(profile.id)
    assert {key: getattr(stored, key) for key in expected} == expected


def test_what_was_typed_is_kept_when_a_form_is_refused(app, client):
    _new_student(client)
    html = text_of(
        submit(client, "/student/profile/about", {"given_name": "Amara", "phone": "call me"})
    )
    assert 'value="Amara"' in html and 'value="call me"' in html
    assert "Enter your last name" in html and "Enter a telephone number" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"given_name": "   ", "family_name": "Okafor"}, "Enter your first name"),
        ({"given_name": "Am\x00ara", "family_name": "Okafor"}, "Remove the hidden characters"),
        ({"given_name": "Amara", "family_name": "O\nkafor"}, "Remove the hidden characters"),
        ({"given_name": "Amara", "family_name": "Okafor", "phone": "0207\n"}, "telephone"),
        ({"given_name": "A" * 101, "family_name": "Okafor"}, "100 characters or fewer"),
    ],
)
def test_names_are_refused_when_blank_too_long_or_holding_hidden_characters(
    app, client, data, message
):
    profile = _new_student(client)
    response = submit(client, "/student/profile/about", data)
    assert response.status_code == 200 and message in _error_summary(text_of(response))
    assert _profile(profile.id).given_name is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (["", "2030"], "The date you expect to graduate must include a month"),
        (["13", "2030"], "The date you expect to graduate must be a real date"),
        (["6", "30"], "Year must include 4 numbers"),
        (["6", "2001"], "The date you expect to graduate must be this month or later"),
        (["99999999999999999999", "2030"], "The date you expect to graduate must be a real date"),
        (["²", "2030"], "The date you expect to graduate must be a real date"),
    ],
)
def test_date_errors_follow_the_gov_uk_pattern(app, client, typed, message):
    _new_student(client)
    data = {"university_id": "ucl", "course": "BSc", "rqf_level": "6", "expected_graduation": typed}
    html = text_of(submit(client, "/student/profile/course", data))
    assert message in _error_summary(html)
    assert 'href="#expected_graduation-month"' in html
    assert f'value="{typed[1]}"' in html


@pytest.mark.parametrize("hours", ["", "0", "49", "2.5", "²", "thirty"])
def test_hours_must_be_a_whole_number_from_1_to_48(app, client, hours):
    _new_student(client)
    data = {
        "available_from": ["1", "6", NEXT_YEAR],
        "available_until": ["30", "9", NEXT_YEAR],
        "hours_per_week": hours,
    }
    html = text_of(submit(client, "/student/profile/availability", data))
    assert "as a whole number from 1 to 48" in _error_summary(html)


def test_a_form_without_its_date_boxes_is_refused_not_a_server_error(app, client):
    _new_student(client)
    response = submit(client, "/student/profile/availability", {"hours_per_week": "20"})
    assert response.status_code == 200
    assert "Enter the date you can start" in text_of(response)


def test_a_course_below_level_6_leads_to_the_eligibility_page(app, client):
    profile = _new_student(client)
    data = {
        "university_id": "ucl",
        "course": "FdSc Computing",
        "rqf_level": "5",
        "expected_graduation": ["7", "2030"],
    }
    response = submit(client, "/student/profile/course", data)
    assert response.headers["Location"].endswith("/student/eligibility")
    page = text_of(client.get("/student/eligibility"))
    assert "Part 3 placements are for Level 6 and above" in page
    assert "Where else the programme can help" in page
    assert "Part 3 placements are for Level 6 and above" in text_of(client.get("/student/"))
    assert _profile(profile.id).rqf_level == 5


def test_a_change_from_check_your_answers_returns_there(app, client):
    create_student(email="ada@example.org", submitted=False)
    sign_in(client, "ada@example.org", PASSWORD)
    page = text_of(client.get("/student/profile/check"))
    assert "/student/profile/about?return_to=check" in page
    response = submit(
        client,
        "/student/profile/right-to-work?return_to=check",
        {"right_to_work": "no"},
    )
    assert response.headers["Location"].endswith("/student/profile/check")


def test_skills_are_chosen_from_groups_then_given_a_level_each(app, client):
    profile = _new_student(client)
    page = text_of(client.get("/student/profile/skills"))
    assert "govuk-details" in page and "Programming languages" in page
    fields = dict(re.findall(r'name="(group_\d+)" type="checkbox" value="(python|figma)"', page))
    chosen = submit(
        client,
        "/student/profile/skills",
        {name: [] for name in fields} | {name: value for name, value in fields.items()},
    )
    location = chosen.headers["Location"]
    assert "/student/profile/skills/levels?" in location
    assert "skill=python" in location and "skill=figma" in location
    levels_page = text_of(client.get(location))
    assert "Your level in Python" in levels_page and "Practitioner" in levels_page
    refused = submit(client, location, {"level-python": "3"})
    assert "Select your level in Figma" in text_of(refused)
    saved = submit(client, location, {"level-python": "3", "level-figma": "2"})
    assert saved.headers["Location"].endswith("/student/")
    stored = {row.skill_id: row.level for row in _profile(profile.id).skills}
    assert stored == {"python": 3, "figma": 2}


def test_choosing_no_skill_is_refused(app, client):
    _new_student(client)
    response = submit(client, "/student/profile/skills", {})
    assert "Select at least one skill" in _error_summary(text_of(response))


def test_the_levels_page_ignores_unknown_skills_in_the_address(app, client):
    _new_student(client)
    response = client.get("/student/profile/skills/levels?skill=not-a-skill")
    assert response.status_code == 302
    assert "/student/profile/skills" in response.headers["Location"]


def test_submitting_an_incomplete_profile_lists_what_is_missing(app, client):
    _new_student(client)
    html = text_of(submit(client, "/student/profile/check", {}))
    summary = _error_summary(html)
    assert "Complete &#39;About you&#39;" in summary or "Complete 'About you'" in summary
    assert 'href="#section-skills"' in summary


def test_a_complete_profile_is_checked_and_submitted(app, client):
    profile = create_student(email="ready@example.org", submitted=False)
    sign_in(client, "ready@example.org", PASSWORD)
    page = text_of(client.get("/student/profile/check"))
    assert "University College London" in page and "Python: 3 Practitioner" in page
    response = submit(client, "/student/profile/check", {})
    assert response.headers["Location"].endswith("/student/profile/submitted")
    assert "Profile submitted for matching" in text_of(client.get("/student/profile/submitted"))
    assert _profile(profile.id).status == "submitted"
    assert "Submitted for matching" in text_of(client.get("/student/"))


def test_editing_a_submitted_profile_into_an_incomplete_state_warns_and_unsubmits(app, client):
    profile = create_student(email="sub@example.org")
    sign_in(client, "sub@example.org", PASSWORD)
    data = {
        "university_id": "ucl",
        "course": "FdSc",
        "rqf_level": "4",
        "expected_graduation": ["7", "2030"],
    }
    submit(client, "/student/profile/course", data)
    assert _profile(profile.id).status == "draft"
    assert "no longer submitted for matching" in text_of(client.get("/student/eligibility"))


def _lock(profile: StudentProfile) -> None:
    organisation, _ = create_organisation()
    role = create_role(organisation)
    matching_round = MatchingRound(name="Round", status="completed")
    db.session.add_all(
        [
            matching_round,
            Proposal(round=matching_round, student_id=profile.id, role_id=role.id, score=0.7),
        ]
    )
    db.session.commit()


@pytest.mark.parametrize(
    "path",
    [
        "/student/profile/about",
        "/student/profile/course",
        "/student/profile/skills",
        "/student/profile/skills/levels",
        "/student/profile/availability",
        "/student/profile/where",
        "/student/profile/right-to-work",
        "/student/profile/sectors",
    ],
)
def test_a_profile_in_a_matching_round_is_shown_read_only(app, client, path):
    profile = create_student(email="locked@example.org")
    _lock(profile)
    sign_in(client, "locked@example.org", PASSWORD)
    page = text_of(client.get(path))
    assert students.LOCKED_MESSAGE in page
    assert 'id="main-form"' not in page
    refused = submit(client, path, {"given_name": "Changed"}, page="/student/equality")
    assert refused.status_code == 409
    assert _profile(profile.id).given_name == "Ada"


def test_a_locked_profile_cannot_be_submitted_again_or_withdrawn(app, client):
    profile = create_student(email="busy@example.org")
    _lock(profile)
    sign_in(client, "busy@example.org", PASSWORD)
    assert "A matching round is using your profile" in text_of(client.get("/student/"))
    withdrawn = submit(client, "/student/profile/withdraw", {})
    assert "cannot withdraw now" in text_of(withdrawn)
    assert _profile(profile.id).status == "submitted"


def test_a_student_withdraws_and_can_submit_again(app, client):
    profile = create_student(email="leaving@example.org")
    sign_in(client, "leaving@example.org", PASSWORD)
    page = text_of(client.get("/student/profile/withdraw"))
    assert "Are you sure you want to withdraw from matching?" in page
    response = submit(client, "/student/profile/withdraw", {})
    assert response.headers["Location"].endswith("/student/")
    assert _profile(profile.id).status == "withdrawn"
    assert "Withdrawn from matching" in text_of(client.get("/student/"))
    submit(client, "/student/profile/check", {})
    assert _profile(profile.id).status == "submitted"


def test_a_student_only_ever_sees_their_own_profile(app, client):
    create_student(email="first@example.org", given_name="Amara", family_name="Okafor")
    create_student(email="second@example.org", given_name="Zeynep", family_name="Yilmaz")
    sign_in(client, "first@example.org", PASSWORD)
    for path in ("/student/", "/student/profile/about", "/student/profile/check"):
        page = text_of(client.get(path))
        assert "Zeynep" not in page and "Yilmaz" not in page
    assert "Okafor" in text_of(client.get("/student/profile/check"))
    download = client.get("/student/personal-data/download").get_json()
    assert download["account"]["email"] == "first@example.org"


def test_a_student_without_a_profile_row_gets_one(app, client):
    user = create_user("student")
    sign_in(client, user.email, PASSWORD)
    assert client.get("/student/").status_code == 200
    assert db.session.get(User, user.id).student_profile is not None


def test_each_equality_question_is_optional_on_its_own(app, client):
    profile = _new_student(client)
    page = text_of(client.get("/student/equality"))
    assert "never used for matching and never shown to organisations" in page
    assert page.count('value="prefer-not-to-say"') == 6
    assert "Skip these questions" in page
    one = submit(client, "/student/equality", {"gender": "woman"})
    assert one.status_code == 302
    assert students.equality_answers(_profile(profile.id).user) == {
        "gender": "woman",
        "age_band": None,
        "ethnicity": None,
        "disability": None,
        "first_in_family": None,
        "free_school_meals": None,
    }
    assert 'value="woman" checked' in text_of(client.get("/student/equality"))
    refused = text_of(submit(client, "/student/equality", {"age_band": "ninety"}))
    assert "Select an answer from the list" in _error_summary(refused)
    answers = {
        "gender": "woman",
        "age_band": "16-24",
        "ethnicity": "prefer-not-to-say",
        "disability": "no",
        "first_in_family": "yes",
        "free_school_meals": "prefer-not-to-say",
    }
    assert submit(client, "/student/equality", answers).status_code == 302
    assert students.equality_answers(_profile(profile.id).user) == answers
    removed = submit(client, "/student/equality/remove", {}, page="/student/equality")
    assert removed.status_code == 302
    assert _profile(profile.id).user.equality is None


def test_sending_the_equality_page_with_no_answer_saves_nothing(app, client):
    profile = _new_student(client)
    response = submit(client, "/student/equality", {})
    assert response.status_code == 302
    assert _profile(profile.id).user.equality is None
    assert "nothing was saved" in text_of(client.get("/student/"))


def test_the_course_step_words_levels_by_qualification_not_year_of_study(app, client):
    _new_student(client)
    page = text_of(client.get("/student/profile/course"))
    assert "second year of a bachelor" not in page
    assert "a bachelor's degree is Level 6 in its first, second and final years alike" in page
    assert "degree (such as a BA, BSc or BEng) in any year of study" in page


def test_the_skill_levels_page_describes_the_scale_once(app, client):
    _new_student(client)
    skills = "skill=python&skill=sql&skill=figma&skill=docker"
    page = text_of(client.get(f"/student/profile/skills/levels?{skills}"))
    description = "You have used this skill in coursework or a small project"
    assert page.count(description) == 1
    assert page.count("2: Working knowledge") == 5
