"""Validate a ``placement-round/1`` snapshot and fill in its defaults."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from .formats import (
    COMPONENTS,
    DEFAULT_PARAMETERS,
    MAX_STUDENT_PREFERENCES,
    OBJECTIVES,
    ROUND_FORMAT,
    RQF_LEVELS,
    WORK_MODES,
    SnapshotError,
)
from .geography import BOROUGHS

TOP_KEYS = {"format", "parameters", "students", "roles", "locked", "forbidden"}
PARAMETER_KEYS = set(DEFAULT_PARAMETERS)
STUDENT_REQUIRED = (
    "id",
    "rqf_level",
    "skills",
    "available_from",
    "available_until",
    "hours_per_week",
    "borough",
    "right_to_work",
)
STUDENT_OPTIONAL = ("work_modes", "sectors", "preferences")
ROLE_REQUIRED = (
    "id",
    "organisation",
    "places",
    "min_rqf_level",
    "skills",
    "start",
    "end",
    "hours_per_week",
    "borough",
    "work_mode",
    "sector",
)
ROLE_OPTIONAL = ("preferences",)
ROLE_SKILL_KEYS = {"level", "weight", "required"}
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_HOURS_PER_WEEK = 168


def _fail(path: str, message: str) -> SnapshotError:
    return SnapshotError(path, message)


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(path, "must be a list")
    return value


def _keys(value: dict[str, Any], path: str, required: tuple[str, ...], optional: tuple[str, ...]):
    for key in required:
        if key not in value:
            raise _fail(f"{path}.{key}" if path else key, "is required")
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        where = f"{path}.{unknown[0]}" if path else unknown[0]
        raise _fail(where, "is not a known field (unknown fields are rejected)")


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "must be a non-empty string")
    return value


def _integer(value: Any, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(path, f"must be a whole number from {low} to {high}")
    return value


def _rqf(value: Any, path: str) -> int:
    if isinstance(value, bool) or value not in RQF_LEVELS:
        raise _fail(path, "must be 6, 7 or 8")
    return int(value)


def _boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, "must be true or false")
    return value


def _date(value: Any, path: str) -> str:
    if not isinstance(value, str) or not DATE_PATTERN.match(value):
        raise _fail(path, "must be a date written YYYY-MM-DD")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(path, f"{value} is not a real date") from None
    return value


def _borough(value: Any, path: str) -> str:
    if value not in BOROUGHS:
        raise _fail(path, f"unknown borough {value!r} (use an id such as 'camden')")
    return value


def _unique_texts(value: Any, path: str) -> list[str]:
    items = [_text(item, f"{path}[{i}]") for i, item in enumerate(_list(value, path))]
    if len(set(items)) != len(items):
        raise _fail(path, "must not repeat an entry")
    return items


def _weights(value: Any, path: str) -> dict[str, float]:
    given = _object(value, path)
    for name, weight in given.items():
        if name not in COMPONENTS:
            raise _fail(f"{path}.{name}", f"unknown weight; use {', '.join(COMPONENTS)}")
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise _fail(f"{path}.{name}", "must be a number")
        if not math.isfinite(weight) or weight < 0:
            raise _fail(f"{path}.{name}", "must be a finite number of 0 or more")
    total = float(sum(given.values()))
    if total <= 0:
        raise _fail(path, "at least one weight must be above 0")
    if abs(total - 1.0) < 1e-9:  # already normalised: keep exactly, so validation is idempotent
        total = 1.0
    return {name: float(given.get(name, 0.0)) / total for name in COMPONENTS}


def _parameters(value: Any) -> dict[str, Any]:
    given = _object(value, "parameters")
    _keys(given, "parameters", (), tuple(PARAMETER_KEYS))
    weights = _weights(given.get("weights", DEFAULT_PARAMETERS["weights"]), "parameters.weights")
    min_score = given.get("min_score", DEFAULT_PARAMETERS["min_score"])
    if isinstance(min_score, bool) or not isinstance(min_score, int | float):
        raise _fail("parameters.min_score", "must be a number from 0 to 1")
    if not 0.0 <= min_score <= 1.0:
        raise _fail("parameters.min_score", "must be a number from 0 to 1")
    objective = given.get("objective", DEFAULT_PARAMETERS["objective"])
    if objective not in OBJECTIVES:
        raise _fail("parameters.objective", "must be 'placements' or 'score'")
    seed = given.get("seed", DEFAULT_PARAMETERS["seed"])
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise _fail("parameters.seed", "must be a whole number")
    return {"weights": weights, "min_score": float(min_score), "objective": objective, "seed": seed}


def _student_skills(value: Any, path: str) -> dict[str, int]:
    skills = _object(value, path)
    return {_text(k, path): _integer(v, f"{path}.{k}", 1, 5) for k, v in skills.items()}


def _work_modes(value: Any, path: str) -> list[str]:
    modes = _unique_texts(value, path)
    for i, mode in enumerate(modes):
        if mode not in WORK_MODES:
            raise _fail(f"{path}[{i}]", "must be 'on-site', 'hybrid' or 'remote'")
    if not modes:
        raise _fail(path, "must list at least one work mode")
    return [mode for mode in WORK_MODES if mode in modes]


def _student(value: Any, path: str) -> dict[str, Any]:
    raw = _object(value, path)
    _keys(raw, path, STUDENT_REQUIRED, STUDENT_OPTIONAL)
    student = {
        "id": _text(raw["id"], f"{path}.id"),
        "rqf_level": _rqf(raw["rqf_level"], f"{path}.rqf_level"),
        "skills": _student_skills(raw["skills"], f"{path}.skills"),
        "available_from": _date(raw["available_from"], f"{path}.available_from"),
        "available_until": _date(raw["available_until"], f"{path}.available_until"),
        "hours_per_week": _integer(raw["hours_per_week"], f"{path}.hours_per_week", 1, 168),
        "borough": None if raw["borough"] is None else _borough(raw["borough"], f"{path}.borough"),
        "work_modes": _work_modes(raw.get("work_modes", list(WORK_MODES)), f"{path}.work_modes"),
        "right_to_work": _boolean(raw["right_to_work"], f"{path}.right_to_work"),
        "sectors": sorted(set(_unique_texts(raw.get("sectors", []), f"{path}.sectors"))),
        "preferences": _unique_texts(raw.get("preferences", []), f"{path}.preferences"),
    }
    if student["available_until"] < student["available_from"]:
        raise _fail(f"{path}.available_until", "must not be before available_from")
    if len(student["preferences"]) > MAX_STUDENT_PREFERENCES:
        raise _fail(f"{path}.preferences", f"may list at most {MAX_STUDENT_PREFERENCES} roles")
    return student


def _role_skill(value: Any, path: str) -> dict[str, Any]:
    raw = _object(value, path)
    _keys(raw, path, ("level",), ("weight", "required"))
    return {
        "level": _integer(raw["level"], f"{path}.level", 1, 5),
        "weight": _integer(raw.get("weight", 1), f"{path}.weight", 1, 3),
        "required": _boolean(raw.get("required", False), f"{path}.required"),
    }


def _role(value: Any, path: str) -> dict[str, Any]:
    raw = _object(value, path)
    _keys(raw, path, ROLE_REQUIRED, ROLE_OPTIONAL)
    skills = _object(raw["skills"], f"{path}.skills")
    role = {
        "id": _text(raw["id"], f"{path}.id"),
        "organisation": _text(raw["organisation"], f"{path}.organisation"),
        "places": _integer(raw["places"], f"{path}.places", 1, 10_000),
        "min_rqf_level": _rqf(raw["min_rqf_level"], f"{path}.min_rqf_level"),
        "skills": {
            _text(k, f"{path}.skills"): _role_skill(v, f"{path}.skills.{k}")
            for k, v in skills.items()
        },
        "start": _date(raw["start"], f"{path}.start"),
        "end": _date(raw["end"], f"{path}.end"),
        "hours_per_week": _integer(raw["hours_per_week"], f"{path}.hours_per_week", 1, 168),
        "borough": _borough(raw["borough"], f"{path}.borough"),
        "work_mode": raw["work_mode"],
        "sector": _text(raw["sector"], f"{path}.sector"),
        "preferences": _unique_texts(raw.get("preferences", []), f"{path}.preferences"),
    }
    if role["work_mode"] not in WORK_MODES:
        raise _fail(f"{path}.work_mode", "must be 'on-site', 'hybrid' or 'remote'")
    if role["end"] < role["start"]:
        raise _fail(f"{path}.end", "must not be before start")
    return role


def _entities(data: dict[str, Any], key: str, parse: Callable[[Any, str], dict[str, Any]]):
    items = [parse(item, f"{key}[{i}]") for i, item in enumerate(_list(data[key], key))]
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item["id"] in seen:
            raise _fail(f"{key}[{i}].id", f"duplicate id {item['id']!r}")
        seen.add(item["id"])
    return items


def _check_preferences(students: list[dict], roles: list[dict]) -> None:
    student_ids = {s["id"] for s in students}
    role_ids = {r["id"] for r in roles}
    for i, student in enumerate(students):
        for j, role_id in enumerate(student["preferences"]):
            if role_id not in role_ids:
                raise _fail(f"students[{i}].preferences[{j}]", f"unknown role id {role_id!r}")
    for i, role in enumerate(roles):
        for j, student_id in enumerate(role["preferences"]):
            if student_id not in student_ids:
                raise _fail(f"roles[{i}].preferences[{j}]", f"unknown student id {student_id!r}")


def _pairs(data: dict[str, Any], key: str, student_ids: set, role_ids: set) -> list[dict]:
    pairs = []
    for i, item in enumerate(_list(data.get(key, []), key)):
        raw = _object(item, f"{key}[{i}]")
        _keys(raw, f"{key}[{i}]", ("student", "role"), ())
        if raw["student"] not in student_ids:
            raise _fail(f"{key}[{i}].student", f"unknown student id {raw['student']!r}")
        if raw["role"] not in role_ids:
            raise _fail(f"{key}[{i}].role", f"unknown role id {raw['role']!r}")
        pairs.append({"student": raw["student"], "role": raw["role"]})
    return pairs


def validate_structure(data: Any) -> dict[str, Any]:
    """Check shape, types, ranges and ids, and fill defaults (locks are checked afterwards).

    Lists that are sets (students, roles, sectors, work modes, forbidden) come back sorted, so two
    snapshots that mean the same round normalise to the same JSON and the same ``input_sha256``.
    """
    raw = _object(data, "snapshot")
    if raw.get("format") != ROUND_FORMAT:
        raise _fail("format", f"must be {ROUND_FORMAT!r} (got {raw.get('format')!r})")
    _keys(raw, "", ("format", "students", "roles"), ("parameters", "locked", "forbidden"))
    parameters = _parameters(raw.get("parameters", {}))
    students = _entities(raw, "students", _student)
    roles = _entities(raw, "roles", _role)
    _check_preferences(students, roles)
    student_ids, role_ids = {s["id"] for s in students}, {r["id"] for r in roles}
    locked = _pairs(raw, "locked", student_ids, role_ids)
    forbidden = _pairs(raw, "forbidden", student_ids, role_ids)
    unique_forbidden = {(p["student"], p["role"]) for p in forbidden}
    return {
        "format": ROUND_FORMAT,
        "parameters": parameters,
        "students": sorted(students, key=lambda s: s["id"]),
        "roles": sorted(roles, key=lambda r: r["id"]),
        "locked": sorted(locked, key=lambda p: (p["student"], p["role"])),
        "forbidden": [{"student": s, "role": r} for s, r in sorted(unique_forbidden)],
        "_locked_order": locked,
    }
