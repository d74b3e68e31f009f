"""Checks on the reference fixtures and the seeded demo-data generator."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from matching import BOROUGHS, build_problem, feasible_mask, validate_snapshot
from placement.demo_data import (
    WORK_MODES,
    DemoData,
    Fixtures,
    generate,
    living_wage_on,
    load_fixtures,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ESCO_URI = re.compile(r"^http://data\.europa\.eu/esco/skill/[0-9a-f-]{36}$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COMPANY_NUMBER = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")


def rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def fixtures() -> Fixtures:
    return load_fixtures(FIXTURES)


@pytest.fixture(scope="module")
def demo(fixtures: Fixtures) -> DemoData:
    return generate(fixtures)


# Skills taxonomy -----------------------------------------------------------------------


def test_the_taxonomy_has_between_150_and_300_unique_slug_ids() -> None:
    ids = [row["id"] for row in rows("skills.csv")]
    assert 150 <= len(ids) <= 300
    assert len(set(ids)) == len(ids)
    assert all(SLUG.match(skill_id) for skill_id in ids)


def test_skill_labels_are_unique_and_present() -> None:
    labels = [row["label"].strip().lower() for row in rows("skills.csv")]
    assert all(labels)
    assert len(set(labels)) == len(labels)


def test_every_group_is_one_of_a_small_set_and_none_is_empty() -> None:
    groups = Counter(row["group"] for row in rows("skills.csv"))
    assert 10 <= len(groups) <= 14
    assert all(count > 0 and name for name, count in groups.items())


def test_esco_uris_are_well_formed_unique_and_cover_at_least_half_the_skills() -> None:
    uris = [row["esco_uri"] for row in rows("skills.csv") if row["esco_uri"]]
    assert all(ESCO_URI.match(uri) for uri in uris)
    assert len(set(uris)) == len(uris)
    assert len(uris) >= len(rows("skills.csv")) / 2


def test_there_are_five_skill_levels_each_with_a_name_and_a_description() -> None:
    levels = rows("skill-levels.csv")
    assert [int(row["level"]) for row in levels] == [1, 2, 3, 4, 5]
    assert all(row["name"] and row["description"].endswith(".") for row in levels)


# Places ---------------------------------------------------------------------------------


def test_the_boroughs_are_the_engines_33_with_the_same_names_and_centroids() -> None:
    boroughs = rows("london-boroughs.csv")
    assert sorted(row["id"] for row in boroughs) == sorted(BOROUGHS)
    for row in boroughs:
        name, latitude, longitude = BOROUGHS[row["id"]]
        assert row["name"] == name
        assert abs(float(row["latitude"]) - latitude) < 0.01
        assert abs(float(row["longitude"]) - longitude) < 0.01


def test_every_borough_lies_inside_a_london_bounding_box() -> None:
    boroughs = rows("london-boroughs.csv")
    for row in boroughs:
        assert 51.2 <= float(row["latitude"]) <= 51.8
        assert -0.6 <= float(row["longitude"]) <= 0.4
        assert len(row["latitude"].split(".")[1]) == 4


def test_borough_names_use_the_official_spellings() -> None:
    names = {row["id"]: row["name"] for row in rows("london-boroughs.csv")}
    assert names["city-of-london"] == "City of London"
    assert names["kingston-upon-thames"] == "Kingston upon Thames"
    assert names["richmond-upon-thames"] == "Richmond upon Thames"
    assert names["hammersmith-and-fulham"] == "Hammersmith and Fulham"


def test_universities_and_sectors_have_unique_slug_ids() -> None:
    universities = rows("universities.csv")
    sectors = rows("sectors.csv")
    assert 35 <= len(universities) <= 45
    assert 12 <= len(sectors) <= 16
    for table in (universities, sectors):
        ids = [row["id"] for row in table]
        assert len(set(ids)) == len(ids)
        assert all(SLUG.match(i) for i in ids)


# London Living Wage ---------------------------------------------------------------------


def test_the_london_living_wage_table_is_sorted_positive_and_rising() -> None:
    table = rows("london-living-wage.csv")
    days = [date.fromisoformat(row["in_force_from"]) for row in table]
    pence = [int(row["pence_per_hour"]) for row in table]
    assert days == sorted(days) and len(set(days)) == len(days)
    assert all(p > 0 for p in pence)
    assert pence == sorted(pence)
    assert all(row["source"] for row in table)


def test_the_rate_in_force_is_the_latest_announced_on_or_before_the_day(
    fixtures: Fixtures,
) -> None:
    rates = fixtures.living_wage
    assert living_wage_on(rates, date(2025, 10, 21)) == 1385
    assert living_wage_on(rates, date(2025, 10, 22)) == 1480
    assert living_wage_on(rates, date(2027, 6, 1)) == 1480
    assert living_wage_on(rates, date(2016, 1, 1)) is None


# Demo generator -------------------------------------------------------------------------


def test_the_generator_is_deterministic_for_a_seed(fixtures: Fixtures) -> None:
    assert generate(fixtures, seed=7) == generate(fixtures, seed=7)
    assert generate(fixtures, seed=7) != generate(fixtures, seed=8)


def test_the_generator_makes_the_requested_numbers_of_records(demo: DemoData) -> None:
    assert len(demo.students) >= 600
    assert len(demo.organisations) == 250
    assert len(demo.roles) == 400
    assert all(1 <= role.places <= 3 for role in demo.roles)


def test_every_role_pays_at_least_the_london_living_wage_on_its_start_date(
    fixtures: Fixtures, demo: DemoData
) -> None:
    for role in demo.roles:
        rate = living_wage_on(fixtures.living_wage, role.start)
        assert rate is not None and role.pay_pence_per_hour >= rate


def test_every_student_has_consistent_dates_hours_and_choices(demo: DemoData) -> None:
    for student in demo.students:
        assert student.available_from < student.available_until
        assert student.available_from.year == student.available_until.year == 2027
        assert student.expected_graduation > date(2027, 1, 1)
        assert 14 <= student.hours_per_week <= 37
        assert student.rqf_level in (5, 6, 7, 8)
        assert student.work_modes and set(student.work_modes) <= set(WORK_MODES)
        assert 1 <= len(student.sectors) <= 3


def test_every_role_has_consistent_dates_and_skill_requirements(demo: DemoData) -> None:
    for role in demo.roles:
        assert role.start < role.end and role.start.year == role.end.year == 2027
        assert timedelta(weeks=8) - timedelta(days=7) <= role.end - role.start
        assert role.end - role.start <= timedelta(weeks=16)
        assert 14 <= role.hours_per_week <= 37
        assert role.work_mode in WORK_MODES
        assert role.min_rqf_level in (6, 7)
        assert role.status in ("published", "draft")
        required = [s for s, (_, _, req) in role.skills.items() if req]
        desired = [s for s, (_, _, req) in role.skills.items() if not req]
        assert 1 <= len(required) <= 3
        assert 2 <= len(desired) <= 5
        for level, weight, _ in role.skills.values():
            assert 1 <= level <= 5 and 1 <= weight <= 3


def test_every_reference_points_at_a_fixture_row(fixtures: Fixtures, demo: DemoData) -> None:
    org_keys = {org.key for org in demo.organisations}
    assert len(org_keys) == len(demo.organisations)
    for student in demo.students:
        assert student.university_id in fixtures.universities
        assert student.borough is None or student.borough in fixtures.boroughs
        assert set(student.sectors) <= set(fixtures.sectors)
        assert set(student.skills) <= set(fixtures.skills)
        assert 3 <= len(student.skills) <= 10
        assert all(1 <= level <= 5 for level in student.skills.values())
    for org in demo.organisations:
        assert org.sector in fixtures.sectors and org.borough in fixtures.boroughs
    for role in demo.roles:
        assert role.organisation_key in org_keys
        assert role.borough in fixtures.boroughs
        assert set(role.skills) <= set(fixtures.skills)


def test_student_emails_are_unique_and_use_the_example_domain(demo: DemoData) -> None:
    emails = [student.email for student in demo.students]
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z-]+\.[a-z-]+\.\d+@students\.example\.org", e) for e in emails)
    assert all(org.contact_email.endswith(".example.com") for org in demo.organisations)


def test_companies_house_numbers_are_unique_and_well_formed(demo: DemoData) -> None:
    numbers = [org.companies_house_number for org in demo.organisations]
    assert len(set(numbers)) == len(numbers)
    assert all(COMPANY_NUMBER.match(number) for number in numbers)


def test_each_student_ranks_at_most_five_published_roles_with_unique_ranks(
    demo: DemoData,
) -> None:
    by_student: dict[str, list] = defaultdict(list)
    for preference in demo.preferences:
        by_student[preference.student_email].append(preference)
    submitted = {s.email for s in demo.students if s.submitted}
    assert set(by_student) <= submitted
    for preferences in by_student.values():
        assert len(preferences) <= 5
        ranks = sorted(p.rank for p in preferences)
        assert ranks == list(range(1, len(ranks) + 1))
        assert len({p.role_index for p in preferences}) == len(preferences)
        for p in preferences:
            assert demo.roles[p.role_index].status == "published"


def test_the_demo_population_has_the_intended_mix(demo: DemoData) -> None:
    students = demo.students
    answered = [s.equality for s in students if s.equality]
    women = sum(e.gender == "woman" for e in answered) / len(answered)
    assert 0.3 <= women <= 0.45
    assert 0.7 <= len(answered) / len(students) <= 0.9
    assert any(s.rqf_level == 5 for s in students)
    assert 0.75 <= sum(s.submitted for s in students) / len(students) <= 0.95
    assert sum(s.right_to_work for s in students) / len(students) >= 0.9
    ranking = {p.student_email for p in demo.preferences}
    assert 0.35 <= len(ranking) / sum(s.submitted for s in students) <= 0.65
    published = sum(r.status == "published" for r in demo.roles)
    assert published > len(demo.roles) / 2


def _engine_round(demo: DemoData, students: list) -> dict:
    """The demo's students and published roles as a placement-round/1 snapshot."""
    published = [role for role in demo.roles if role.status == "published"]
    return {
        "format": "placement-round/1",
        "parameters": {},
        "students": [
            {
                "id": f"student-{number}",
                "rqf_level": student.rqf_level,
                "skills": student.skills,
                "available_from": student.available_from.isoformat(),
                "available_until": student.available_until.isoformat(),
                "hours_per_week": student.hours_per_week,
                "borough": student.borough or "camden",
                "work_modes": list(student.work_modes),
                "right_to_work": student.right_to_work,
                "sectors": list(student.sectors),
            }
            for number, student in enumerate(students)
        ],
        "roles": [
            {
                "id": f"role-{number}",
                "organisation": role.organisation_key,
                "places": role.places,
                "min_rqf_level": role.min_rqf_level,
                "skills": {
                    skill: {"level": level, "weight": weight, "required": required}
                    for skill, (level, weight, required) in role.skills.items()
                },
                "start": role.start.isoformat(),
                "end": role.end.isoformat(),
                "hours_per_week": role.hours_per_week,
                "borough": role.borough,
                "work_mode": role.work_mode,
                "sector": "fintech",
            }
            for number, role in enumerate(published)
        ],
    }


def test_a_typical_demo_student_meets_a_fair_share_of_the_open_roles(demo: DemoData) -> None:
    ready = [s for s in demo.students if s.submitted and s.rqf_level >= 6 and s.right_to_work]
    problem = build_problem(validate_snapshot(_engine_round(demo, ready)))
    met = sorted(int(count) for count in feasible_mask(problem).sum(axis=1))
    assert met[len(met) // 2] >= 10
    assert sum(count == 0 for count in met) <= len(met) // 10
