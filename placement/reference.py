"""Reference data shipped in fixtures/: boroughs, universities, sectors, skill levels, wages."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from placement import FIXTURES_DIR


def _rows(name: str, folder: Path = FIXTURES_DIR) -> list[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def boroughs() -> dict[str, str]:
    """Borough id -> name, in alphabetical order of name."""
    rows = sorted(_rows("london-boroughs.csv"), key=lambda row: row["name"])
    return {row["id"]: row["name"] for row in rows}


@cache
def universities() -> dict[str, str]:
    rows = sorted(_rows("universities.csv"), key=lambda row: row["name"])
    return {row["id"]: row["name"] for row in rows}


@cache
def sectors() -> dict[str, str]:
    return {row["id"]: row["label"] for row in _rows("sectors.csv")}


@cache
def skill_levels() -> dict[int, tuple[str, str]]:
    """Level -> (name, plain-English description)."""
    return {
        int(row["level"]): (row["name"], row["description"]) for row in _rows("skill-levels.csv")
    }


@dataclass(frozen=True)
class WageRate:
    in_force_from: date
    pence_per_hour: int
    source: str


@cache
def living_wage_rates() -> tuple[WageRate, ...]:
    rows = [
        WageRate(
            date.fromisoformat(row["in_force_from"]), int(row["pence_per_hour"]), row["source"]
        )
        for row in _rows("london-living-wage.csv")
    ]
    return tuple(sorted(rows, key=lambda rate: rate.in_force_from))


def living_wage_on(day: date) -> WageRate | None:
    """The London Living Wage in force on a day: the latest rate announced on or before it."""
    in_force = [rate for rate in living_wage_rates() if rate.in_force_from <= day]
    return in_force[-1] if in_force else None


# The level of the qualification a course leads to (RQF and FHEQ), whatever the year of study:
# every year of a bachelor's degree is a Level 6 course.
RQF_LEVELS = {
    3: "Level 3: A levels, BTEC National or an equivalent course",
    4: "Level 4: Certificate of Higher Education (CertHE) or Higher National Certificate (HNC)",
    5: "Level 5: foundation degree, Diploma of Higher Education (DipHE) or Higher National "
    "Diploma (HND)",
    6: "Level 6: bachelor's degree (such as a BA, BSc or BEng) in any year of study, including "
    "degree apprenticeships",
    7: "Level 7: master's degree, such as an MSc or MA",
    8: "Level 8: doctorate, such as a PhD",
}

WORK_MODE_LABELS = {"on-site": "On site", "hybrid": "Hybrid", "remote": "Remote"}


def alphabetical(text: str) -> tuple[str, str]:
    """A sort key in the reader's alphabet: case and accents ignored first ("Access control"
    before "AJAX", "pandas" among the p's), then as written, so the order is total."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return (plain.casefold(), text)
