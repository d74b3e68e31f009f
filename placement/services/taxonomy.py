"""The skills taxonomy, loaded from fixtures/skills.csv."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from placement import FIXTURES_DIR
from placement.models import Skill
from placement.reference import alphabetical


def load_skills(session: Session, folder: Path = FIXTURES_DIR) -> int:
    """Add or update every skill of the taxonomy; returns how many rows it holds."""
    with (folder / "skills.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    known = {skill.id: skill for skill in session.execute(select(Skill)).scalars()}
    for row in rows:
        skill = known.get(row["id"]) or Skill(id=row["id"])
        skill.label = row["label"]
        skill.alt_labels = row.get("alt_labels", "")
        skill.group = row["group"]
        skill.esco_uri = row.get("esco_uri") or None
        session.add(skill)
    session.flush()
    return len(rows)


def skills_by_group(session: Session) -> dict[str, list[Skill]]:
    """Skills by group, groups and skills in the reader's alphabet (not the database's)."""
    grouped: dict[str, list[Skill]] = {}
    every = session.execute(select(Skill)).scalars()
    for skill in sorted(every, key=lambda s: (alphabetical(s.group), alphabetical(s.label))):
        grouped.setdefault(skill.group, []).append(skill)
    return grouped
