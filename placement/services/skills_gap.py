"""Skills demand and supply: what organisations ask for against what students offer.

Demand for a skill at a level is the number of places on published or closed roles (of verified
organisations) asking for it at that level, required or desired. Supply is the number of students
with a submitted profile who hold the skill at that level or above. The gap is demand - supply.

At national size the figures take about a second of the database's work (every role's skills and
every student's, grouped), and they change far less often than coordinators look at them. They are
kept per *data version* in each process, as the equity report is: one small set of aggregates
(the roles' count, ids and latest ``updated_at``, which a change of a role's skills touches; the
verified organisations' count and ids; the student profiles' count, ids and latest ``updated_at``,
which a change of a student's skills touches) that changes whenever the figures may have changed.
and the taxonomy's size and labels. The page's tables for each set of filters are kept per version
too, so a coordinator looking again costs the version's few aggregates. As with the other caches,
two writes committed out of the order of their timestamps can leave a version where it was until
the next change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, cast, extract, func, select
from sqlalchemy.orm import Session

from placement.cache import BoundedCache
from placement.models import (
    Organisation,
    PlacementRole,
    RoleSkill,
    Skill,
    StudentProfile,
    StudentSkill,
)
from placement.services import equity, versions
from placement.services.versions import counted

DEMAND_STATUSES = ("published", "closed")
Cell = int | str
FIGURES_KEPT = 8  # a few versions, each for every university and for all of them
REPORTS_KEPT = 32  # the report for each filter coordinators use, at the latest versions


def quarter_of(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Filters:
    sector: str | None = None
    period: str | None = None
    university: str | None = None


@dataclass(frozen=True)
class GapRow:
    skill_id: str
    skill: str
    level: int
    required_places: int
    desired_places: int
    supply: int
    # What may be shown of the supply and the gap (equity's small-number rule): see _protect.
    supply_shown: Cell = 0
    gap_shown: Cell = 0

    @property
    def demand(self) -> int:
        return self.required_places + self.desired_places

    @property
    def gap(self) -> int:
        return self.demand - self.supply


# (sector, quarter) -> (skill, level) -> [places asking for it as required, as desired]
DemandCells = dict[tuple[str, str], dict[tuple[str, int], list[int]]]


@dataclass(frozen=True)
class Figures:
    """What every table of the skills report is made from: three aggregate queries."""

    university: str | None  # whose students the supply counts (None: every university's)
    demand: DemandCells
    supply: dict[str, list[int]]
    labels: dict[str, str]


def _demand_cells(session: Session) -> DemandCells:
    """Places asking for each skill at each level, summed in SQL by sector and quarter."""
    year = cast(extract("year", PlacementRole.start_date), Integer)
    quarter = (cast(extract("month", PlacementRole.start_date), Integer) + 2) // 3
    grouped = (RoleSkill.skill_id, RoleSkill.level, RoleSkill.required, PlacementRole.sector)
    query = (
        select(*grouped, year, quarter, func.sum(PlacementRole.places))
        .join(PlacementRole, PlacementRole.id == RoleSkill.role_id)
        .join(Organisation, Organisation.id == PlacementRole.organisation_id)
        .where(PlacementRole.status.in_(DEMAND_STATUSES), Organisation.status == "verified")
        .group_by(*grouped, year, quarter)
    )
    cells: DemandCells = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for skill_id, level, required, sector, in_year, in_quarter, places in session.execute(query):
        asked = cells[(sector, f"{in_year} Q{in_quarter}")][(skill_id, level)]
        asked[0 if required else 1] += int(places or 0)
    return {where: dict(asked) for where, asked in cells.items()}  # plain dicts: cached, shared


def _demand(cells: DemandCells, filters: Filters) -> dict[tuple[str, int], list[int]]:
    """(skill, level) -> [places asking for it as required, places asking for it as desired]."""
    demand: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for (sector, period), asked in cells.items():
        if filters.sector and sector != filters.sector:
            continue
        if filters.period and period != filters.period:
            continue
        for key, (required, desired) in asked.items():
            demand[key][0] += required
            demand[key][1] += desired
    return demand


def _supply(session: Session, skills: set[str], university: str | None) -> dict[str, list[int]]:
    """Skill -> students holding it at each level 1-5 or above (index level - 1)."""
    if not skills:
        return {}
    query = (
        select(StudentSkill.skill_id, StudentSkill.level, func.count())
        .join(StudentProfile, StudentProfile.id == StudentSkill.student_id)
        .where(StudentProfile.status == "submitted", StudentSkill.skill_id.in_(skills))
        .group_by(StudentSkill.skill_id, StudentSkill.level)
    )
    if university:
        query = query.where(StudentProfile.university_id == university)
    at_least: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
    for skill_id, level, count in session.execute(query):
        for below in range(min(level, 5)):
            at_least[skill_id][below] += count
    return dict(at_least)


def _labels(session: Session, skills: set[str]) -> dict[str, str]:
    return dict(session.execute(select(Skill.id, Skill.label).where(Skill.id.in_(skills))).all())


_figures: BoundedCache[tuple[Any, ...], tuple[DemandCells, dict[str, list[int]]]] = BoundedCache(
    FIGURES_KEPT
)


def data_version(session: Session) -> tuple[str, ...]:
    """A value that changes whenever the demand or the supply may have changed."""
    queries = (
        counted(PlacementRole, func.max(PlacementRole.updated_at)),
        counted(Organisation).where(Organisation.status == "verified"),
        counted(StudentProfile, func.max(StudentProfile.updated_at)),
        # The taxonomy (labels name and order the rows): reloaded rarely, by a command.
        select(func.count(Skill.id), func.coalesce(func.sum(func.length(Skill.label)), 0)),
    )
    return versions.version(session, queries)


def figures(
    session: Session, university: str | None = None, version: tuple[str, ...] | None = None
) -> Figures:
    """Demand by sector and quarter, and the supply (of one university's students if given);
    ``version`` is the :func:`data_version` when the caller has just read it."""

    def read() -> tuple[DemandCells, dict[str, list[int]]]:
        demand = _demand_cells(session)
        skills = {skill_id for asked in demand.values() for skill_id, _ in asked}
        return demand, _supply(session, skills, university)

    key = (str(session.get_bind().url), university, version or data_version(session))
    demand, supply = _figures.get(key, read)
    skills = {skill_id for asked in demand.values() for skill_id, _ in asked}
    return Figures(university, demand, supply, _labels(session, skills))


def clear() -> None:
    _figures.clear()
    _reports.clear()


def _gap_rows(
    demand: dict[tuple[str, int], list[int]],
    supply: dict[str, list[int]],
    labels: dict[str, str],
) -> list[GapRow]:
    rows = [
        (
            skill_id,
            labels.get(skill_id, skill_id),
            level,
            required,
            desired,
            supply.get(skill_id, [0] * 5)[level - 1],
        )
        for (skill_id, level), (required, desired) in demand.items()
    ]
    shown = _protect({(row[0], row[2]): row[5] for row in rows})
    gap_rows = [
        GapRow(
            *row,
            supply_shown=shown[(row[0], row[2])],
            gap_shown=(row[3] + row[4] - row[5])
            if shown[(row[0], row[2])] == row[5]
            else equity.WITHHELD,
        )
        for row in rows
    ]
    return sorted(
        gap_rows, key=lambda row: (-row.gap, -row.demand, row.skill, row.level, row.skill_id)
    )


def _protect(counts: dict[tuple[str, int], int]) -> dict[tuple[str, int], Cell]:
    """Students holding each skill at each level, as they may be shown.

    A count of 1 to 4 people is hidden by the reports' rule (equity.suppress). The counts of one
    skill are "at this level or above", so two shown counts differ by the students between those
    levels: a count is also withheld when it would differ from the next shown level up by 1 to
    4, so no small number of students can be worked out by difference. A hidden count's gap is
    withheld too (demand minus the gap is the count). Zero is shown: it names nobody.
    """
    levels: dict[str, list[int]] = defaultdict(list)
    for skill_id, level in counts:
        levels[skill_id].append(level)
    shown: dict[tuple[str, int], Cell] = {}
    for skill_id, held in levels.items():
        above = 0  # the last count shown, from the highest level down (nobody above level 5)
        for level in sorted(held, reverse=True):
            count = counts[(skill_id, level)]
            if count == 0:
                shown[(skill_id, level)] = 0
                continue
            cell = _students_cell(count)
            if cell != count:
                shown[(skill_id, level)] = cell
            elif 0 < count - above < equity.THRESHOLD:
                shown[(skill_id, level)] = equity.WITHHELD
            else:
                shown[(skill_id, level)] = count
                above = count
    return shown


@lru_cache(maxsize=4096)
def _students_cell(count: int) -> Cell:
    """A count of students as equity.suppress would show it alone."""
    cells, _ = equity.suppress({"students": count}, count)
    return cells["students"]


def gaps(
    session: Session, filters: Filters | None = None, found: Figures | None = None
) -> list[GapRow]:
    """Every (skill, level) in demand, the largest gap first; ``found`` saves reading the
    :func:`figures` again when they are of the filters' university."""
    filters = filters or Filters()
    if found is None or found.university != filters.university:
        found = figures(session, filters.university)
    return _gap_rows(_demand(found.demand, filters), found.supply, found.labels)


def periods(session: Session) -> list[str]:
    """Quarters in which roles that count towards demand start, in order."""
    starts = session.execute(
        select(PlacementRole.start_date).where(PlacementRole.status.in_(DEMAND_STATUSES)).distinct()
    ).scalars()
    return sorted({quarter_of(day) for day in starts})


def sectors_in_demand(session: Session) -> list[str]:
    query = select(PlacementRole.sector).where(PlacementRole.status.in_(DEMAND_STATUSES))
    return sorted(session.execute(query.distinct()).scalars())


def largest_by(
    session: Session,
    key: str,
    values: list[str],
    filters: Filters,
    top: int = 3,
    found: Figures | None = None,
) -> list[tuple[str, list[GapRow]]]:
    """The largest gaps within each sector or each quarter (key "sector" or "period").

    The figures are read once (or given) and narrowed here for each value.
    """
    if found is None or found.university != filters.university:
        found = figures(session, filters.university)
    largest = []
    for value in values:
        narrowed = Filters(
            sector=value if key == "sector" else filters.sector,
            period=value if key == "period" else filters.period,
            university=filters.university,
        )
        in_gap = [row for row in gaps(session, narrowed, found) if row.gap > 0]
        largest.append((value, in_gap[:top]))
    return largest


CSV_HEADER = [
    "skill_id",
    "skill",
    "level",
    "required_places",
    "desired_places",
    "demand_places",
    "students_at_or_above_level",
    "gap",
]


def csv_rows(rows: list[GapRow]) -> list[list[object]]:
    return [
        [
            row.skill_id,
            row.skill,
            row.level,
            row.required_places,
            row.desired_places,
            row.demand,
            row.supply_shown,
            row.gap_shown,
        ]
        for row in rows
    ]


@dataclass(frozen=True)
class Report:
    """What the skills report page shows for one set of filters."""

    filters: Filters
    rows: list[GapRow]  # every (skill, level) in demand, the largest gap first
    periods: list[str]
    sectors: list[str]  # sectors of the roles in demand
    by_sector: list[tuple[str, list[GapRow]]]
    by_period: list[tuple[str, list[GapRow]]]


_reports: BoundedCache[tuple[Any, ...], Report] = BoundedCache(REPORTS_KEPT)


def report(session: Session, filters: Filters) -> Report:
    """The page's tables for these filters, built once per data version in each process."""
    version = data_version(session)

    def build() -> Report:
        found = figures(session, filters.university, version)
        periods_ = periods(session)
        sectors = sectors_in_demand(session)
        return Report(
            filters,
            gaps(session, filters, found),
            periods_,
            sectors,
            largest_by(session, "sector", sectors, filters, found=found),
            largest_by(session, "period", periods_, filters, found=found),
        )

    return _reports.get((str(session.get_bind().url), filters, version), build)
