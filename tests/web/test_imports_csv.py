"""Importing students and roles from CSV: every problem reported, nothing half-imported."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from support.factories import PASSWORD, create_coordinator, create_organisation, create_user
from support.http import csrf_token, sign_in, submit, text_of
from support.reports import tables

from placement.extensions import db
from placement.models import AuditEvent, PasswordResetToken, PlacementRole, StudentProfile, User

STUDENT_HEADER = (
    "email,given_name,family_name,university,course,rqf_level,expected_graduation,skills"
)
GOOD_STUDENT = "amara@example.org,Amara,Okafor,ucl,BSc Computer Science,6,2028-07-01,python:3;sql:2"
ROLE_HEADER = (
    "companies_house_number,title,description,places,start_date,end_date,hours_per_week,"
    "borough,work_mode,sector,pay_per_hour,min_rqf_level,required_skills,desired_skills"
)


def good_role(number: str) -> str:
    return (
        f"{number},Junior data analyst,Help the team.,2,2027-07-05,2027-09-24,35,hackney,hybrid,"
        "fintech,15.50,6,python:3;sql:2,spreadsheets:2"
    )


def upload(client, kind: str, content: str | bytes, name: str = "list.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    url = f"/coordinator/imports/{kind}"
    token = csrf_token(text_of(client.get(url)))
    return client.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def coordinator(client):
    user = create_coordinator()
    sign_in(client, user.email, PASSWORD)
    return client


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


STUDENT_REFUSALS = [
    (b"\xe9mail\n", None, "Save the file as 'CSV UTF-8'"),
    ("", None, "The file is empty"),
    (STUDENT_HEADER + "\n", None, "The file has no rows under the header"),
    (
        STUDENT_HEADER.replace(",skills", "") + "\n" + GOOD_STUDENT,
        "skills",
        "Add the column 'skills'",
    ),
    (STUDENT_HEADER + ",shoe_size\n" + GOOD_STUDENT + ",9", "shoe_size", "Remove the column"),
    (STUDENT_HEADER + "\n" + GOOD_STUDENT + ",extra", None, "more cells than the header"),
    (
        STUDENT_HEADER + "\n" + GOOD_STUDENT.replace("Amara,", ",", 1),
        "given_name",
        "Enter the given name",
    ),
    (
        STUDENT_HEADER + "\n" + GOOD_STUDENT.replace("amara@example.org", "amara.example.org"),
        "email",
        "correct format",
    ),
    (
        STUDENT_HEADER + "\n" + GOOD_STUDENT + "\n" + GOOD_STUDENT.replace("Amara", "Ama"),
        "email",
        "also on row 2",
    ),
    (
        STUDENT_HEADER + "\n" + GOOD_STUDENT.replace(",ucl,", ",hogwarts,"),
        "university",
        "not a known university",
    ),
    (STUDENT_HEADER + "\n" + GOOD_STUDENT.replace(",6,", ",5,"), "rqf_level", "from 6 to 8"),
    (STUDENT_HEADER + "\n" + GOOD_STUDENT.replace(",6,", ",six,"), "rqf_level", "from 6 to 8"),
    (
        STUDENT_HEADER + "\n" + GOOD_STUDENT.replace("2028-07-01", "2028-02-30"),
        "expected_graduation",
        "real date",
    ),
    (
        STUDENT_HEADER + "\n" + GOOD_STUDENT.replace("python:3", "parseltongue:3"),
        "skills",
        "not a skill id",
    ),
    (
        STUDENT_HEADER + "\n" + GOOD_STUDENT.replace("python:3", "python:7"),
        "skills",
        "level from 1 to 5",
    ),
    (STUDENT_HEADER + "\n" + GOOD_STUDENT.replace("sql:2", "python:2"), "skills", "listed twice"),
]


@pytest.mark.parametrize(("content", "column", "message"), STUDENT_REFUSALS)
def test_a_student_list_with_a_problem_is_refused_and_nothing_is_imported(
    coordinator, outbox, content, column, message
):
    before = _count(User)
    response = upload(coordinator, "students", content)
    page = text_of(response)
    assert response.status_code == 200
    assert "Nothing has been imported" in page
    problems = tables(page)["Every problem in the file"][1:]
    assert any(message in row[2] and row[1] == (column or "-") for row in problems), problems
    assert _count(User) == before
    assert outbox == []


ROLE_REFUSALS = [
    ("99999999", "companies_house_number", "No organisation with Companies House number 99999999"),
    ("places:11", "places", "from 1 to 10"),
    ("end:2027-07-01", "end_date", "after start_date"),
    ("pay:9.00", "pay_per_hour", "London Living Wage"),
    ("pay:lots", "pay_per_hour", "amount in pounds"),
    ("borough:gotham", "borough", "not a known borough"),
    ("mode:office", "work_mode", "not a known work mode"),
    ("sector:mining", "sector", "not a known sector"),
    ("hours:60", "hours_per_week", "from 1 to 48"),
    ("desired:python:2", "desired_skills", "already a required skill"),
    ("twice", "title", "also on row 2"),
    ("start:tomorrow", "start_date", "real date"),
]


def _role_file(number: str, change: str) -> str:
    row = good_role(number)
    if change == "99999999":
        row = good_role("99999999")
    elif change.startswith("places:"):
        row = row.replace(",2,2027", f",{change[7:]},2027")
    elif change.startswith("end:"):
        row = row.replace("2027-09-24", change[4:])
    elif change.startswith("start:"):
        row = row.replace("2027-07-05", change[6:])
    elif change.startswith("pay:"):
        row = row.replace("15.50", change[4:])
    elif change.startswith("borough:"):
        row = row.replace("hackney", change[8:])
    elif change.startswith("mode:"):
        row = row.replace("hybrid", change[5:])
    elif change.startswith("sector:"):
        row = row.replace("fintech", change[7:])
    elif change.startswith("hours:"):
        row = row.replace(",35,", f",{change[6:]},")
    elif change.startswith("desired:"):
        row = row.replace("spreadsheets:2", change[8:])
    elif change == "twice":
        row = row + "\n" + row
    return ROLE_HEADER + "\n" + row


@pytest.mark.parametrize(("change", "column", "message"), ROLE_REFUSALS)
def test_a_role_list_with_a_problem_is_refused_and_nothing_is_imported(
    coordinator, change, column, message
):
    organisation = create_organisation()[0]
    response = upload(coordinator, "roles", _role_file(organisation.companies_house_number, change))
    problems = tables(text_of(response))["Every problem in the file"][1:]
    assert any(message in row[2] and row[1] == column for row in problems), problems
    assert _count(PlacementRole) == 0


def test_every_problem_in_the_file_is_listed_with_its_row_and_column(coordinator):
    content = "\n".join(
        [
            STUDENT_HEADER,
            GOOD_STUDENT,
            "not-an-email,,Okafor,ucl,BSc,9,,",
            "",
            "b@example.org,Ben,Li,nowhere,BSc,7,,",
        ]
    )
    problems = tables(text_of(upload(coordinator, "students", content)))[
        "Every problem in the file"
    ]
    assert problems[1:] == [
        ["3", "email", "Enter an email address in the correct format, like name@example.com"],
        ["3", "given_name", "Enter the given name"],
        ["3", "rqf_level", "rqf_level must be a whole number from 6 to 8"],
        [
            "5",
            "university",
            "'nowhere' is not a known university: use an id from fixtures/universities.csv",
        ],
    ]


def test_students_are_imported_as_drafts_and_invited_to_choose_a_password(
    coordinator, client, outbox
):
    content = (
        "\ufeff"
        + STUDENT_HEADER
        + "\r\n"
        + GOOD_STUDENT
        + "\r\nben@example.org,Ben,Li,imperial,MSc Data,7,01/09/2027,\r\n"
    )
    response = upload(coordinator, "students", content)
    assert response.status_code == 302
    summary = text_of(coordinator.get(response.headers["Location"]))
    assert "Created 2 students, skipped 0" in summary

    amara = db.session.execute(
        select(StudentProfile).join(User).where(User.email == "amara@example.org")
    ).scalar_one()
    assert (amara.status, amara.given_name, amara.university_id, amara.rqf_level) == (
        "draft",
        "Amara",
        "ucl",
        6,
    )
    assert {skill.skill_id: skill.level for skill in amara.skills} == {"python": 3, "sql": 2}
    assert amara.user.password_hash is None and amara.user.email_confirmed_at is not None
    assert sorted(message.to[0] for message in outbox) == ["amara@example.org", "ben@example.org"]
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "students_imported")
    ).scalar_one()
    assert event.detail["created"] == 2 and "amara" not in str(event.detail)

    link = re.search(r"http://localhost(/reset-password/\S+)", outbox[0].body).group(1)
    coordinator.post(
        "/sign-out", data={"csrf_token": csrf_token(text_of(coordinator.get("/sign-out")))}
    )
    chosen = submit(
        client, link, {"password": "a long new passphrase", "confirm": "a long new passphrase"}
    )
    assert chosen.status_code == 200
    sign_in(client, outbox[0].to[0], "a long new passphrase")


def test_an_imported_students_link_lasts_as_long_as_an_invitation_not_two_hours(
    app, coordinator, outbox
):
    upload(coordinator, "students", STUDENT_HEADER + "\r\n" + GOOD_STUDENT + "\r\n")
    assert "within 14 days" in outbox[0].body
    (token,) = db.session.execute(select(PasswordResetToken)).scalars()
    lasts = token.expires_at - token.created_at
    assert abs(lasts - timedelta(days=app.config["INVITATION_DAYS"])) < timedelta(minutes=1)
    assert lasts > timedelta(hours=app.config["PASSWORD_RESET_HOURS"])


def test_importing_the_same_student_list_twice_creates_nothing_twice(coordinator, outbox):
    create_user("student", "ben@example.org")
    content = STUDENT_HEADER + "\n" + GOOD_STUDENT + "\nben@example.org,Ben,Li,imperial,MSc,7,,"
    first = upload(coordinator, "students", content)
    assert "Created 1 students, skipped 1" in text_of(coordinator.get(first.headers["Location"]))
    second = upload(coordinator, "students", content)
    summary = text_of(coordinator.get(second.headers["Location"]))
    assert "Created 0 students, skipped 2" in summary
    assert tables(summary)["Rows skipped"][1:] == [
        ["2", "already registered"],
        ["3", "already registered"],
    ]
    assert len(outbox) == 1
    assert _count(User) == 3


def test_roles_are_imported_as_drafts_once(coordinator):
    organisation = create_organisation()[0]
    content = ROLE_HEADER + "\n" + good_role(organisation.companies_house_number.lower())
    first = upload(coordinator, "roles", content)
    assert "Created 1 roles, skipped 0" in text_of(coordinator.get(first.headers["Location"]))
    role = db.session.execute(select(PlacementRole)).scalar_one()
    assert (role.status, role.places, role.pay_pence_per_hour, role.organisation_id) == (
        "draft",
        2,
        1550,
        organisation.id,
    )
    assert {(s.skill_id, s.level, s.required) for s in role.skills} == {
        ("python", 3, True),
        ("sql", 2, True),
        ("spreadsheets", 2, False),
    }
    second = upload(coordinator, "roles", content)
    assert "Created 0 roles, skipped 1" in text_of(coordinator.get(second.headers["Location"]))
    assert _count(PlacementRole) == 1


def test_a_form_without_a_file_asks_for_one(coordinator):
    url = "/coordinator/imports/students"
    token = csrf_token(text_of(coordinator.get(url)))
    response = coordinator.post(url, data={"csrf_token": token}, content_type="multipart/form-data")
    assert "Select a CSV file" in text_of(response)


def test_a_file_over_two_megabytes_gets_the_too_large_page(coordinator):
    body = b"--b\r\n" + b"x" * (2 * 1024 * 1024) + b"\r\n--b--\r\n"
    response = coordinator.post(
        "/coordinator/imports/students", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413
    assert "The file you sent is too large" in text_of(response)


def test_the_blank_templates_are_offered_for_download(coordinator):
    for kind, header in (("students", STUDENT_HEADER), ("roles", ROLE_HEADER)):
        response = coordinator.get(f"/coordinator/imports/{kind}/template.csv")
        assert response.status_code == 200
        assert response.get_data(as_text=True).splitlines()[0] == header
        response.close()


def test_the_example_rows_of_the_templates_import_cleanly(coordinator):
    from placement import FIXTURES_DIR

    organisation = create_organisation()[0]
    organisation.companies_house_number = "12345678"
    db.session.commit()
    for kind in ("students", "roles"):
        content = (FIXTURES_DIR / "templates" / f"{kind}.csv").read_bytes()
        assert upload(coordinator, kind, content).status_code == 302


def test_only_import_records_have_a_summary_page(coordinator):
    event = AuditEvent(action="password_changed")
    db.session.add(event)
    db.session.commit()
    assert coordinator.get(f"/coordinator/imports/{event.id}").status_code == 404
