"""A completed round of national size stored for the load benchmark's review pages.

Running a real round over 50,000 students and 21,000 roles is the engine's national work (its own
issue), so the benchmark stores a round whose proposals come from a quick greedy pass instead:
each ready student gets their highest-ranked choice with a place left, else a role of a sector
they named, else nothing. Scores, breakdowns and reasons are drawn at random in plausible ranges.
The snapshot holds every ready student's and role's real entry (read with column queries), so
the stored documents have national size. Only the benchmark database ever holds such a round.

    python benchmarks/load/national_round.py postgresql+psycopg://postgres@127.0.0.1:5432/national_demo
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from collections import defaultdict
from typing import Any

from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.orm import Session

from placement.models import (
    MatchingRound,
    Organisation,
    OrganisationInterest,
    PlacementRole,
    Proposal,
    StudentPreference,
    StudentProfile,
    StudentSkill,
)
from placement.models._types import utcnow
from placement.services import snapshot

NAME = "National benchmark round"


def _students(session: Session) -> list[dict[str, Any]]:
    skills: dict[int, dict[str, int]] = defaultdict(dict)
    for student_id, skill_id, level in session.execute(
        select(StudentSkill.student_id, StudentSkill.skill_id, StudentSkill.level)
    ):
        skills[student_id][skill_id] = level
    preferences: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for student_id, role_id, rank in session.execute(
        select(StudentPreference.student_id, StudentPreference.role_id, StudentPreference.rank)
    ):
        preferences[student_id].append((rank, role_id))
    rows = session.execute(
        select(StudentProfile)
        .where(StudentProfile.status == "submitted", StudentProfile.rqf_level >= 6)
        .order_by(StudentProfile.id)
    ).scalars()
    return [
        {
            "id": snapshot.student_key(p.id),
            "rqf_level": p.rqf_level,
            "skills": skills[p.id],
            "available_from": p.available_from.isoformat(),
            "available_until": p.available_until.isoformat(),
            "hours_per_week": p.hours_per_week,
            "borough": p.borough,
            "work_modes": sorted(p.work_modes or []),
            "right_to_work": bool(p.right_to_work),
            "sectors": sorted(p.sectors or []),
            "preferences": [snapshot.role_key(r) for _, r in sorted(preferences[p.id])],
        }
        for p in rows
        if skills[p.id] and p.available_from and p.hours_per_week and p.work_modes
    ]


def _roles(session: Session) -> list[dict[str, Any]]:
    roles = list(
        session.execute(
            select(PlacementRole)
            .join(Organisation)
            .where(PlacementRole.status == "published", Organisation.status == "verified")
            .order_by(PlacementRole.id)
        ).scalars()
    )
    asked = snapshot.role_skills(session, [role.id for role in roles])
    wanted: dict[int, list[str]] = defaultdict(list)
    for role_id, student_id in session.execute(
        select(OrganisationInterest.role_id, OrganisationInterest.student_id).order_by(
            OrganisationInterest.role_id, OrganisationInterest.rank
        )
    ):
        wanted[role_id].append(snapshot.student_key(student_id))
    return [
        snapshot.role_entry(role, role.places_left, wanted[role.id], asked[role.id])
        for role in roles
        if role.places_left > 0
    ]


def _assign(students: list[dict], roles: list[dict], rng: random.Random) -> list[tuple]:
    places = {role["id"]: role["places"] for role in roles}
    by_sector: dict[str, list[str]] = defaultdict(list)
    for role in roles:
        by_sector[role["sector"]].append(role["id"])
    pairs = []
    for student in students:
        choices = [key for key in student["preferences"] if places.get(key, 0) > 0]
        for sector in student["sectors"]:
            choices += rng.sample(by_sector[sector], k=min(3, len(by_sector[sector])))
        found = next((key for key in choices if places.get(key, 0) > 0), None)
        if found is None or rng.random() < 0.08:
            continue
        places[found] -= 1
        rank = student["preferences"].index(found) + 1 if found in student["preferences"] else None
        pairs.append((student["id"], found, rank))
    return pairs


def _breakdown(rng: random.Random, rank: int | None) -> dict[str, float]:
    return {
        "skills": round(rng.uniform(0.3, 1.0), 3),
        "travel": round(rng.uniform(0.2, 1.0), 3),
        "preferences": round(0.5 * (6 - rank) / 5, 3) if rank else 0.0,
        "sector": rng.choice((0.0, 1.0)),
    }


def store(url: str, seed: int = 2026) -> int:
    """Store the benchmark's national round in the database at ``url``; returns its id."""
    rng = random.Random(seed)
    engine = create_engine(url)
    started = time.perf_counter()
    with Session(engine) as session:
        students, roles = _students(session), _roles(session)
        document = {
            "format": snapshot.FORMAT,
            "parameters": {},
            "students": students,
            "roles": roles,
            "locked": [],
            "forbidden": [],
        }
        pairs = _assign(students, roles, rng)
        scored = [(s, r, rank, _breakdown(rng, rank)) for s, r, rank in pairs]
        placed = {s for s, _, _, _ in scored}
        taken: dict[str, int] = defaultdict(int)
        for _, role, _, _ in scored:
            taken[role] += 1
        result = _result(document, scored, placed, taken)
        matching_round = MatchingRound(
            name=NAME,
            status="completed",
            parameters={},
            snapshot=document,
            snapshot_sha256=result["input_sha256"],
            result=result,
            result_sha256=result["result_sha256"],
            completed_at=utcnow(),
        )
        session.add(matching_round)
        session.flush()
        rows = [
            {
                "round_id": matching_round.id,
                "student_id": snapshot.row_id(student),
                "role_id": snapshot.row_id(role),
                "score": _score(breakdown),
                "breakdown": breakdown,
                "reasons": ["Chosen by the benchmark's greedy pass"],
                "locked": False,
                "status": "proposed",
            }
            for student, role, _, breakdown in scored
        ]
        for start in range(0, len(rows), 5_000):
            session.execute(insert(Proposal.__table__), rows[start : start + 5_000])
        session.commit()
        count = session.execute(
            select(func.count()).where(Proposal.round_id == matching_round.id)
        ).scalar()
        print(
            f"Stored round {matching_round.id}: {count} proposals, {len(students)} students, "
            f"{len(roles)} roles, in {time.perf_counter() - started:.0f} s"
        )
        round_id = matching_round.id
    engine.dispose()
    return round_id


def _score(breakdown: dict[str, float]) -> float:
    weights = {"skills": 0.5, "travel": 0.15, "preferences": 0.25, "sector": 0.1}
    return round(sum(weights[name] * value for name, value in breakdown.items()), 6)


def _result(document: dict, scored: list, placed: set, taken: dict) -> dict[str, Any]:
    ranks: dict[str, int] = defaultdict(int)
    for _, _, rank, _ in scored:
        if rank:
            ranks[str(rank)] += 1
    digest = hashlib.sha256(json.dumps(len(scored)).encode() + b"benchmark").hexdigest()
    return {
        "format": "placement-result/1",
        "input_sha256": hashlib.sha256(b"national benchmark snapshot").hexdigest(),
        "result_sha256": digest,
        "objective": {
            "placed": len(scored),
            "total_score": sum(_score(b) for _, _, _, b in scored),
        },
        "stability": {"ranks_achieved": dict(ranks), "blocking_pairs": 0},
        "assignments": [
            {
                "student": s,
                "role": r,
                "score": _score(b),
                "breakdown": b,
                "reasons": [],
                "locked": False,
            }
            for s, r, _, b in scored
        ],
        "unmatched": [
            {"student": s["id"], "reason": "No role with a place left fits (benchmark)"}
            for s in document["students"]
            if s["id"] not in placed
        ],
        "unfilled": [
            {"role": r["id"], "places_left": r["places"] - taken[r["id"]]}
            for r in document["roles"]
            if r["places"] > taken[r["id"]]
        ],
    }


if __name__ == "__main__":
    store(sys.argv[1])
