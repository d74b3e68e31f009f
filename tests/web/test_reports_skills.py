"""Skills demand (places on roles) against supply (students at or above the level asked)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from support.factories import (
    PASSWORD,
    create_coordinator,
    create_organisation,
    create_role,
    create_student,
)
from support.http import sign_in, text_of
from support.reports import tables


@pytest.fixture
def signed_in(client):
    """Counted by hand, with five students of each kind (s1, s2, s3) so that no count of
    students falls under the reports' threshold of 5:

    demand python 3 = 15 places (A, required); students with python >= 3: s1, s3 -> gap 5
    demand python 2 = 10 places (B, required); students >= 2: s1, s2, s3 -> gap -5
    demand sql 2 = 15 places (A, desired); students >= 2: s3 -> gap 10
    demand spreadsheets 1 = 10 places (B, desired); students: s3 -> gap 5
    Draft role C, the unverified organisation's role D and the draft student s4 do not count.
    """
    fintech = create_organisation()[0]
    health = create_organisation()[0]
    health.sector = "healthtech"
    unverified = create_organisation(verified=False)[0]
    for _ in range(3):  # a role has at most 10 places
        create_role(
            fintech,
            places=5,
            start_date=date(2027, 7, 1),
            skills={"python": (3, 2, True), "sql": (2, 1, False)},
        )
    create_role(
        health,
        places=10,
        sector="healthtech",
        status="closed",
        start_date=date(2027, 10, 4),
        end_date=date(2027, 12, 17),
        skills={"python": (2, 2, True), "spreadsheets": (1, 1, False)},
    )
    create_role(fintech, places=5, status="draft", skills={"rust": (4, 2, True)})
    create_role(unverified, places=4, skills={"go": (3, 2, True)})
    for _ in range(5):
        create_student(skills={"python": 4, "sql": 1}, university_id="ucl")
        create_student(skills={"python": 2}, university_id="ucl")
        create_student(skills={"python": 3, "sql": 3, "spreadsheets": 2}, university_id="imperial")
    create_student(submitted=False, skills={"python": 5, "sql": 5}, university_id="ucl")
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    return client


CAPTION = "Demand and supply by skill and level"
HEAD = [
    "Skill",
    "Level",
    "Required (places)",
    "Desired (places)",
    "Demand",
    "Students at or above",
    "Gap",
]


def test_the_largest_gaps_come_first(signed_in):
    found = tables(text_of(signed_in.get("/coordinator/reports/skills")))
    assert found[CAPTION] == [
        HEAD,
        ["SQL", "2", "0", "15", "15", "5", "10"],
        ["Python", "3", "15", "0", "15", "10", "5"],
        ["Spreadsheets", "1", "0", "10", "10", "5", "5"],
        ["Python", "2", "10", "0", "10", "15", "-5"],
    ]
    assert found["The 10 largest gaps"][1] == ["SQL (level 2)", "15", "5", "10"]


def test_one_universitys_students_are_set_against_all_demand(signed_in):
    found = tables(text_of(signed_in.get("/coordinator/reports/skills?university=ucl")))
    assert [row[0:2] + row[5:] for row in found[CAPTION][1:]] == [
        ["SQL", "2", "0", "15"],
        ["Python", "3", "5", "10"],
        ["Spreadsheets", "1", "0", "10"],
        ["Python", "2", "10", "0"],
    ]


def test_demand_narrows_by_sector_and_by_quarter(signed_in):
    by_sector = tables(text_of(signed_in.get("/coordinator/reports/skills?sector=fintech")))
    assert [row[0:2] for row in by_sector[CAPTION][1:]] == [["SQL", "2"], ["Python", "3"]]
    by_quarter = tables(text_of(signed_in.get("/coordinator/reports/skills?period=2027+Q4")))
    assert [row[0:2] for row in by_quarter[CAPTION][1:]] == [["Spreadsheets", "1"], ["Python", "2"]]
    page = tables(text_of(signed_in.get("/coordinator/reports/skills")))
    assert page["The 3 largest gaps by the quarter roles start"][1:] == [
        ["2027 Q3", "SQL level 2 (gap 10); Python level 3 (gap 5)"],
        ["2027 Q4", "Spreadsheets level 1 (gap 5)"],
    ]
    assert page["The 3 largest gaps in each sector"][1:] == [
        ["Fintech and financial services", "SQL level 2 (gap 10); Python level 3 (gap 5)"],
        ["Healthtech and life sciences", "Spreadsheets level 1 (gap 5)"],
    ]


def test_the_skills_csv_reads_back_to_the_same_figures(signed_in):
    response = signed_in.get("/coordinator/reports/skills.csv?university=ucl&sector=fintech")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows == [
        [
            "skill_id",
            "skill",
            "level",
            "required_places",
            "desired_places",
            "demand_places",
            "students_at_or_above_level",
            "gap",
        ],
        ["sql", "SQL", "2", "0", "15", "15", "0", "15"],
        ["python", "Python", "3", "15", "0", "15", "5", "10"],
    ]


def test_unknown_filters_are_ignored(signed_in):
    response = signed_in.get(
        "/coordinator/reports/skills?sector=nope&university=x&period=" + "9" * 40
    )
    assert response.status_code == 200
    assert len(tables(text_of(response))[CAPTION]) == 5


def test_small_numbers_of_students_cannot_be_read_or_worked_out_from_the_skills_report(client):
    """Seven students hold Python at level 2 or above, three of them at level 3 or above: the
    level-3 count is under 5, so it and its gap (demand minus the count) are hidden; the
    level-2 count leaves anywhere from 3 to 7 at exactly level 2, so it may be shown."""
    organisation = create_organisation()[0]
    create_role(organisation, places=10, skills={"python": (3, 2, True)})
    create_role(organisation, places=10, skills={"python": (2, 2, True), "sql": (1, 1, False)})
    for level in (3, 3, 3, 2, 2, 2, 2):
        create_student(skills={"python": level})
    for _ in range(5):
        create_student(skills={"python": 1, "sql": 1})
    sign_in(client, create_coordinator().email, PASSWORD)

    found = tables(text_of(client.get("/coordinator/reports/skills")))
    shown = {(row[0], row[1]): row[5:] for row in found[CAPTION][1:]}
    assert shown[("Python", "3")] == ["fewer than 5", "withheld"]
    assert shown[("Python", "2")] == ["7", "3"]
    assert shown[("SQL", "1")] == ["5", "5"]
    response = client.get("/coordinator/reports/skills.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    by_skill = {(row[0], row[2]): row[6:] for row in rows[1:]}
    assert by_skill[("python", "3")] == ["fewer than 5", "withheld"]


def test_a_count_that_would_give_a_small_number_by_difference_is_withheld(client):
    organisation = create_organisation()[0]
    create_role(organisation, places=10, skills={"python": (3, 2, True)})
    create_role(organisation, places=10, skills={"python": (2, 2, True)})
    for level in (3, 3, 3, 3, 3, 2, 2):
        create_student(skills={"python": level})
    sign_in(client, create_coordinator().email, PASSWORD)

    found = tables(text_of(client.get("/coordinator/reports/skills")))
    shown = {(row[0], row[1]): row[5:] for row in found[CAPTION][1:]}
    # Five at level 3 may be shown; seven at level 2 or above would tell that two are at level 2.
    assert shown[("Python", "3")] == ["5", "5"]
    assert shown[("Python", "2")] == ["withheld", "withheld"]
