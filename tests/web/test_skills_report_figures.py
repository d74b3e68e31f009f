"""The skills report's figures, summed in SQL by sector and quarter, agree with its definition.

The definition (placement/services/skills_gap.py): demand for a skill at a level is the places on
published or closed roles of verified organisations asking for it at that level; supply is the
submitted students holding it at that level or above. Here both are counted from the rows one by
one, on varied roles and students, for every filter the page offers.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select
from support.factories import create_organisation, create_role, create_student

from placement.extensions import db
from placement.models import PlacementRole, Skill, StudentProfile
from placement.services import equity, skills_gap

SKILLS = ["python", "sql", "spreadsheets", "javascript", "rust"]
SECTORS = ["fintech", "healthtech", "edtech"]
STARTS = [
    date(2027, 1, 4),
    date(2027, 3, 31),
    date(2027, 4, 1),
    date(2027, 9, 30),
    date(2028, 1, 3),
]
UNIVERSITIES = ["ucl", "imperial"]


def _varied_programme(seed: int) -> None:
    chooser = random.Random(seed)
    organisations = [create_organisation()[0] for _ in range(3)]
    organisations.append(create_organisation(verified=False)[0])
    for _ in range(40):
        start = chooser.choice(STARTS)
        asked = chooser.sample(SKILLS, chooser.randint(1, 3))
        create_role(
            chooser.choice(organisations),
            sector=chooser.choice(SECTORS),
            status=chooser.choice(["published", "published", "closed", "draft"]),
            places=chooser.randint(1, 10),
            start_date=start,
            end_date=start + timedelta(days=60),
            skills={skill: (chooser.randint(1, 5), 1, chooser.random() < 0.5) for skill in asked},
        )
    for _ in range(70):
        held = chooser.sample(SKILLS, chooser.randint(0, 4))
        create_student(
            submitted=chooser.random() < 0.8,
            university_id=chooser.choice(UNIVERSITIES),
            skills={skill: chooser.randint(1, 5) for skill in held},
        )


def _counted_one_by_one(filters: skills_gap.Filters) -> dict[tuple[str, int], tuple[int, int, int]]:
    """(skill, level) -> (required places, desired places, students at or above), row by row."""
    demand: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for role in db.session.scalars(select(PlacementRole)):
        if role.status not in ("published", "closed") or role.organisation.status != "verified":
            continue
        if filters.sector and role.sector != filters.sector:
            continue
        if filters.period and skills_gap.quarter_of(role.start_date) != filters.period:
            continue
        for asked in role.skills:
            demand[(asked.skill_id, asked.level)][0 if asked.required else 1] += role.places
    students = [
        profile
        for profile in db.session.scalars(select(StudentProfile))
        if profile.status == "submitted"
        and (filters.university is None or profile.university_id == filters.university)
    ]
    return {
        (skill_id, level): (
            required,
            desired,
            sum(
                1
                for profile in students
                if any(s.skill_id == skill_id and s.level >= level for s in profile.skills)
            ),
        )
        for (skill_id, level), (required, desired) in demand.items()
    }


def _shown_one_by_one(supply: dict[tuple[str, int], int]) -> dict[tuple[str, int], object]:
    """The small-number rule, level by level from the top for each skill."""
    shown: dict[tuple[str, int], object] = {}
    for skill_id in SKILLS:
        above = 0
        for level in (5, 4, 3, 2, 1):
            if (skill_id, level) not in supply:
                continue
            count = supply[(skill_id, level)]
            if 0 < count < equity.THRESHOLD:
                shown[(skill_id, level)] = equity.FEWER_THAN_5
            elif count and 0 < count - above < equity.THRESHOLD:
                shown[(skill_id, level)] = equity.WITHHELD
            else:
                shown[(skill_id, level)] = count
                above = count if count else above
    return shown


def _every_filter() -> list[skills_gap.Filters]:
    periods = sorted({skills_gap.quarter_of(start) for start in STARTS})
    found = [skills_gap.Filters()]
    found += [skills_gap.Filters(sector=sector) for sector in SECTORS]
    found += [skills_gap.Filters(period=period) for period in periods]
    found += [skills_gap.Filters(university=university) for university in UNIVERSITIES]
    found.append(skills_gap.Filters(sector="fintech", period="2027 Q2", university="ucl"))
    return found


def test_the_gaps_summed_in_sql_are_the_gaps_counted_role_by_role_for_every_filter(app):
    _varied_programme(seed=11)
    for filters in _every_filter():
        expected = _counted_one_by_one(filters)
        rows = skills_gap.gaps(db.session, filters)
        found = {
            (row.skill_id, row.level): (row.required_places, row.desired_places, row.supply)
            for row in rows
        }
        assert found == expected, filters
        shown = _shown_one_by_one({key: supply for key, (_, _, supply) in expected.items()})
        assert {(row.skill_id, row.level): row.supply_shown for row in rows} == shown, filters
        order = [(-row.gap, -row.demand, row.skill, row.level, row.skill_id) for row in rows]
        assert order == sorted(order)
    everything = _counted_one_by_one(skills_gap.Filters())
    assert len(everything) > 15 and len({supply for _, _, supply in everything.values()}) > 5


def test_the_largest_gaps_by_sector_and_by_quarter_are_those_of_each_filter_alone(app):
    _varied_programme(seed=12)
    periods = skills_gap.periods(db.session)
    sectors = skills_gap.sectors_in_demand(db.session)
    assert sectors == sorted(SECTORS) and len(periods) == 4
    labels = dict(db.session.execute(select(Skill.id, Skill.label)).all())
    listed = 0
    for university in (None, "ucl"):
        filters = skills_gap.Filters(university=university)
        found = skills_gap.figures(db.session, university)
        by_sector = skills_gap.largest_by(db.session, "sector", sectors, filters, found=found)
        by_period = skills_gap.largest_by(db.session, "period", periods, filters, found=found)
        for key, largest in (("sector", by_sector), ("period", by_period)):
            for value, rows in largest:
                alone = skills_gap.Filters(**{key: value, "university": university})
                expected = _counted_one_by_one(alone)
                in_gap = sorted(
                    (-(required + desired - supply), -(required + desired), labels[skill], level)
                    for (skill, level), (required, desired, supply) in expected.items()
                    if required + desired > supply
                )
                shown = [(-row.gap, -row.demand, row.skill, row.level) for row in rows]
                assert shown == in_gap[:3], (key, value)
                listed += len(rows)
    assert listed > 10
