"""Plain-English reasons: why a pair scores as it does, and why a student stayed unmatched."""

from __future__ import annotations

from .geography import BOROUGHS, travel_km
from .snapshot import Prepared


def ordinal(rank: int) -> str:
    """``1 -> '1st'``, ``2 -> '2nd'``, ``11 -> '11th'``."""
    if 10 <= rank % 100 <= 20:
        return f"{rank}th"
    return f"{rank}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(rank % 10, 'th') }"


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def skill_reasons(student: dict, role: dict) -> list[str]:
    """Matched, below-level and missing skills, by skill id."""
    if not role["skills"]:
        return ["The role asks for no particular skills"]
    matched, below, missing = [], [], []
    for skill, asked in sorted(role["skills"].items()):
        have = student["skills"].get(skill, 0)
        if have >= asked["level"]:
            matched.append(f"{skill} (level {have}, asked {asked['level']})")
        elif have:
            below.append(f"{skill} (you have {have}, asked {asked['level']})")
        else:
            missing.append(f"{skill} (asked {asked['level']})")
    lines = []
    for label, items in (("Skills matched", matched), ("Skills below the asked level", below)):
        if items:
            lines.append(f"{label}: {', '.join(items)}")
    if missing:
        lines.append(f"Skills missing: {', '.join(missing)}")
    return lines


def travel_reason(student: dict, role: dict) -> str:
    """Travel between borough centroids, or remote."""
    if role["work_mode"] == "remote":
        return "Remote role: no travel"
    if student["borough"] is None:
        return "Your borough is not recorded, so travel counts as neutral"
    km = travel_km(student["borough"], role["borough"])
    hybrid = " (hybrid, so travel counts half)" if role["work_mode"] == "hybrid" else ""
    origin, destination = BOROUGHS[student["borough"]][0], BOROUGHS[role["borough"]][0]
    return f"About {km:.1f} km from {origin} to {destination}{hybrid}"


def preference_reasons(student: dict, role: dict) -> list[str]:
    """The student's rank of the role and the organisation's rank of the student."""
    lines = []
    if role["id"] in student["preferences"]:
        lines.append(
            f"You ranked this role {ordinal(student['preferences'].index(role['id']) + 1)}"
        )
    else:
        lines.append("You did not rank this role")
    if student["id"] in role["preferences"]:
        rank = ordinal(role["preferences"].index(student["id"]) + 1)
        lines.append(f"The organisation listed you ({rank} choice)")
    else:
        lines.append("The organisation did not list you")
    return lines


def sector_reason(student: dict, role: dict) -> str:
    """Whether the role's sector is one the student is interested in."""
    if not student["sectors"]:
        return "You listed no sectors, so sector counts as neutral"
    if role["sector"] in student["sectors"]:
        return f"The role is in {role['sector']}, one of your sectors"
    return f"The role is in {role['sector']}, not one of your sectors"


def pair_reasons(s_data: dict, r_data: dict, locked: bool = False) -> list[str]:
    """All reasons for one pair (snapshot entries): skills, travel, preferences, sector."""
    lines = skill_reasons(s_data, r_data)
    lines.append(travel_reason(s_data, r_data))
    lines.extend(preference_reasons(s_data, r_data))
    lines.append(sector_reason(s_data, r_data))
    if locked:
        lines.append("Already approved (locked) before this round")
    return lines


def _rule_phrase(rule: str, count: int, student: dict) -> str:
    roles = _plural(count, "role", "roles")
    verb = "needs" if count == 1 else "need"
    phrases = {
        "min_rqf_level": f"{roles} {verb} a level above your Level {student['rqf_level']}",
        "right_to_work": f"{roles} {verb} the right to work in the UK",
        "dates": f"{roles} {'runs' if count == 1 else 'run'} outside your availability "
        f"({student['available_from']} to {student['available_until']})",
        "hours_per_week": f"{roles} {verb} more than your {student['hours_per_week']} hours a week",
        "work_mode": f"{roles} {verb} a work mode you did not choose "
        f"(you chose {', '.join(student['work_modes'])})",
        "skills": f"{roles} {verb} a required skill you do not have at the asked level",
        "forbidden": f"{roles} {'is' if count == 1 else 'are'} excluded for you by the coordinator",
    }
    return phrases[rule]


def unmatched_reason(prepared: Prepared, student: int, algorithm: str) -> str:
    """Why a student has no role: how many roles each hard rule excludes, or what else happened."""
    n_roles = prepared.problem.shape[1]
    feasible = int(prepared.feasible[student].sum()) if n_roles else 0
    counts = {}
    if n_roles and feasible == 0:
        counts = {rule: int((~mask[student]).sum()) for rule, mask in prepared.masks.items()}
    acceptable = int(prepared.acceptable[student].sum()) if n_roles else 0
    s_data = prepared.snapshot["students"][student]
    numbers = (n_roles, feasible, acceptable, counts)
    return unmatched_text(s_data, numbers, prepared.parameters["min_score"], algorithm)


def unmatched_text(
    s_data: dict, numbers: tuple[int, int, int, dict[str, int]], min_score: float, algorithm: str
) -> str:
    """The reason from counts: ``(n_roles, feasible, acceptable, failures per rule)``.

    ``failures per rule`` (roles each hard rule excludes) is needed only when nothing is feasible.
    """
    n_roles, feasible, acceptable, counts = numbers
    if n_roles == 0:
        return "there are no roles in this round"
    if feasible == 0:
        parts = [_rule_phrase(rule, n, s_data) for rule, n in counts.items() if n]
        return f"no role meets every rule: {'; '.join(parts)}"
    below = feasible - acceptable
    below_text = (
        f"{_plural(below, 'feasible role', 'feasible roles')} scored below "
        f"the minimum score {min_score:g}"
    )
    if acceptable == 0:
        return below_text
    how = "the best overall assignment" if algorithm == "optimal" else "the stable matching"
    suitable = _plural(acceptable, "suitable role", "suitable roles")
    taken = f"{suitable} had no place left for you in {how}"
    return f"{taken}; {below_text}" if below else taken
