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
    """Counted by hand:

    demand python 3 = 3 places (A, required); students with python >= 3: s1, s3 -> gap 1
    demand python 2 = 2 places (B, required); students >= 2: s1, s2, s3 -> gap -1
    demand sql 2 = 3 places (A, desired); students >= 2: s3 -> gap 2
    demand spreadsheets 1 = 2 places (B, desired); students: s3 -> gap 1
    Draft role C, the unverified organisation's role D and the draft student s4 do not count.
    """
    fintech = create_organisation()[0]
    health = create_organisation()[0]
    health.sector = "healthtech"
    unverified = create_organisation(verified=False)[0]
    create_role(
        fintech,
        places=3,
        start_date=date(2027, 7, 1),
        skills={"python": (3, 2, True), "sql": (2, 1, False)},
    )
    create_role(
        health,
        places=2,
        sector="healthtech",
        status="closed",
        start_date=date(2027, 10, 4),
        end_date=date(2027, 12, 17),
        skills={"python": (2, 2, True), "spreadsheets": (1, 1, False)},
    )
    create_role(fintech, places=5, status="draft", skills={"rust": (4, 2, True)})
    create_role(unverified, places=4, skills={"go": (3, 2, True)})
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
        ["SQL", "2", "0", "3", "3", "1", "2"],
        ["Python", "3", "3", "0", "3", "2", "1"],
        ["Spreadsheets", "1", "0", "2", "2", "1", "1"],
        ["Python", "2", "2", "0", "2", "3", "-1"],
    ]
    assert found["The 10 largest gaps"][1] == ["SQL (level 2)", "3", "1", "2"]


def test_one_universitys_students_are_set_against_all_demand(signed_in):
    found = tables(text_of(signed_in.get("/coordinator/reports/skills?university=ucl")))
    assert [row[0:2] + row[5:] for row in found[CAPTION][1:]] == [
        ["SQL", "2", "0", "3"],
        ["Python", "3", "1", "2"],
        ["Spreadsheets", "1", "0", "2"],
        ["Python", "2", "2", "0"],
    ]


def test_demand_narrows_by_sector_and_by_quarter(signed_in):
    by_sector = tables(text_of(signed_in.get("/coordinator/reports/skills?sector=fintech")))
    assert [row[0:2] for row in by_sector[CAPTION][1:]] == [["SQL", "2"], ["Python", "3"]]
    by_quarter = tables(text_of(signed_in.get("/coordinator/reports/skills?period=2027+Q4")))
    assert [row[0:2] for row in by_quarter[CAPTION][1:]] == [["Spreadsheets", "1"], ["Python", "2"]]
    page = tables(text_of(signed_in.get("/coordinator/reports/skills")))
    assert page["The 3 largest gaps by the quarter roles start"][1:] == [
        ["2027 Q3", "SQL level 2 (gap 2); Python level 3 (gap 1)"],
        ["2027 Q4", "Spreadsheets level 1 (gap 1)"],
    ]
    assert page["The 3 largest gaps in each sector"][1:] == [
        ["Fintech and financial services", "SQL level 2 (gap 2); Python level 3 (gap 1)"],
        ["Healthtech and life sciences", "Spreadsheets level 1 (gap 1)"],
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
        ["sql", "SQL", "2", "0", "3", "3", "0", "3"],
        ["python", "Python", "3", "3", "0", "3", "1", "2"],
    ]


def test_unknown_filters_are_ignored(signed_in):
    response = signed_in.get(
        "/coordinator/reports/skills?sector=nope&university=x&period=" + "9" * 40
    )
    assert response.status_code == 200
    assert len(tables(text_of(response))[CAPTION]) == 5
