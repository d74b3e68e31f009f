"""validate_snapshot: defaults, normalisation and every kind of bad input."""

import copy

import pytest

from matching import DEFAULT_WEIGHTS, SnapshotError, validate_snapshot
from matching.synthetic import role_profile, round_of, student_profile, synthetic_round


def base_round():
    students = [student_profile("s1"), student_profile("s2", preferences=["r1"])]
    roles = [role_profile("r1", places=2), role_profile("r2", preferences=["s2"])]
    return round_of(students, roles)


def test_defaults_are_filled_in_for_every_optional_field():
    data = base_round()
    for student in data["students"]:
        for key in ("work_modes", "sectors", "preferences"):
            student.pop(key)
    del data["roles"][0]["skills"]["python"]["weight"]
    normalised = validate_snapshot(data)
    assert normalised["parameters"] == {
        "weights": DEFAULT_WEIGHTS,
        "min_score": 0.0,
        "objective": "placements",
        "seed": 0,
    }
    assert normalised["locked"] == [] and normalised["forbidden"] == []
    assert normalised["students"][0]["work_modes"] == ["on-site", "hybrid", "remote"]
    assert (
        normalised["students"][0]["sectors"] == []
        and normalised["students"][0]["preferences"] == []
    )
    assert normalised["roles"][0]["skills"]["python"] == {"level": 3, "weight": 1, "required": True}


def test_weights_given_replace_the_defaults_and_are_normalised_to_sum_one():
    data = base_round()
    data["parameters"] = {"weights": {"skills": 3, "travel": 1}}
    weights = validate_snapshot(data)["parameters"]["weights"]
    assert weights == {"skills": 0.75, "travel": 0.25, "preferences": 0.0, "sector": 0.0}


def test_validating_a_normalised_snapshot_returns_it_unchanged():
    normalised = validate_snapshot(
        synthetic_round(30, 12, seed=5, weights={"skills": 1, "sector": 2})
    )
    assert validate_snapshot(copy.deepcopy(normalised)) == normalised


def test_students_and_roles_come_back_sorted_by_id():
    data = base_round()
    data["students"].reverse()
    data["roles"].reverse()
    normalised = validate_snapshot(data)
    assert [s["id"] for s in normalised["students"]] == ["s1", "s2"]
    assert [r["id"] for r in normalised["roles"]] == ["r1", "r2"]


def test_the_error_message_names_the_field_and_says_why():
    data = base_round()
    data["students"][1]["rqf_level"] = 5
    with pytest.raises(SnapshotError) as caught:
        validate_snapshot(data)
    assert str(caught.value) == "students[1].rqf_level: must be 6, 7 or 8"
    assert caught.value.path == "students[1].rqf_level"
    assert caught.value.message == "must be 6, 7 or 8"


def _set(path, value):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(path):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


BAD_INPUT = [
    ("unknown format", _set(["format"], "placement-round/2"), "format"),
    ("missing students", _delete(["students"]), "students"),
    ("students not a list", _set(["students"], {}), "students"),
    ("unknown top-level field", _set(["notes"], "x"), "notes"),
    ("gender on a student", _set(["students", 0, "gender"], "f"), "students[0].gender"),
    ("ethnicity on a student", _set(["students", 1, "ethnicity"], "x"), "students[1].ethnicity"),
    ("disability on a role", _set(["roles", 0, "disability"], True), "roles[0].disability"),
    ("missing rqf level", _delete(["students", 0, "rqf_level"]), "students[0].rqf_level"),
    ("level out of range", _set(["students", 1, "rqf_level"], 9), "students[1].rqf_level"),
    ("level as text", _set(["students", 1, "rqf_level"], "7"), "students[1].rqf_level"),
    ("skill level 0", _set(["students", 0, "skills", "python"], 0), "students[0].skills.python"),
    ("skill level 6", _set(["students", 0, "skills", "sql"], 6), "students[0].skills.sql"),
    (
        "role skill level",
        _set(["roles", 0, "skills", "python", "level"], 7),
        "roles[0].skills.python.level",
    ),
    (
        "role skill weight",
        _set(["roles", 0, "skills", "python", "weight"], 4),
        "roles[0].skills.python.weight",
    ),
    ("role min level", _set(["roles", 1, "min_rqf_level"], 5), "roles[1].min_rqf_level"),
    ("zero places", _set(["roles", 0, "places"], 0), "roles[0].places"),
    (
        "unparseable date",
        _set(["students", 0, "available_from"], "01/06/2026"),
        "students[0].available_from",
    ),
    ("impossible date", _set(["roles", 0, "start"], "2026-02-30"), "roles[0].start"),
    ("end before start", _set(["roles", 0, "end"], "2026-06-01"), "roles[0].end"),
    (
        "until before from",
        _set(["students", 0, "available_until"], "2026-05-01"),
        "students[0].available_until",
    ),
    ("unknown borough", _set(["students", 0, "borough"], "atlantis"), "students[0].borough"),
    ("unknown role borough", _set(["roles", 0, "borough"], "surrey"), "roles[0].borough"),
    (
        "unknown work mode",
        _set(["students", 0, "work_modes"], ["office"]),
        "students[0].work_modes[0]",
    ),
    ("empty work modes", _set(["students", 0, "work_modes"], []), "students[0].work_modes"),
    ("role work mode", _set(["roles", 0, "work_mode"], "home"), "roles[0].work_mode"),
    (
        "right to work not bool",
        _set(["students", 0, "right_to_work"], "yes"),
        "students[0].right_to_work",
    ),
    ("hours zero", _set(["students", 0, "hours_per_week"], 0), "students[0].hours_per_week"),
    ("duplicate student id", _set(["students", 1, "id"], "s1"), "students[1].id"),
    ("duplicate role id", _set(["roles", 1, "id"], "r1"), "roles[1].id"),
    (
        "six preferences",
        _set(["students", 0, "preferences"], ["r1", "r2", "a", "b", "c", "d"]),
        "students[0].preferences",
    ),
    (
        "unknown preferred role",
        _set(["students", 0, "preferences"], ["r9"]),
        "students[0].preferences[0]",
    ),
    (
        "unknown preferred student",
        _set(["roles", 0, "preferences"], ["s9"]),
        "roles[0].preferences[0]",
    ),
    (
        "repeated preference",
        _set(["students", 0, "preferences"], ["r1", "r1"]),
        "students[0].preferences",
    ),
    (
        "unknown weight",
        _set(["parameters"], {"weights": {"gender": 1}}),
        "parameters.weights.gender",
    ),
    (
        "negative weight",
        _set(["parameters"], {"weights": {"skills": -1}}),
        "parameters.weights.skills",
    ),
    ("all weights zero", _set(["parameters"], {"weights": {"skills": 0}}), "parameters.weights"),
    ("min score above one", _set(["parameters"], {"min_score": 1.5}), "parameters.min_score"),
    ("unknown objective", _set(["parameters"], {"objective": "fairness"}), "parameters.objective"),
    ("seed not a number", _set(["parameters"], {"seed": "x"}), "parameters.seed"),
    ("unknown parameter", _set(["parameters"], {"speed": 1}), "parameters.speed"),
    (
        "locked unknown student",
        _set(["locked"], [{"student": "s9", "role": "r1"}]),
        "locked[0].student",
    ),
    ("locked unknown role", _set(["locked"], [{"student": "s1", "role": "r9"}]), "locked[0].role"),
    (
        "forbidden unknown role",
        _set(["forbidden"], [{"student": "s1", "role": "r9"}]),
        "forbidden[0].role",
    ),
    (
        "student locked twice",
        _set(["locked"], [{"student": "s1", "role": "r1"}, {"student": "s1", "role": "r2"}]),
        "locked[1].student",
    ),
    (
        "locks beyond places",
        _set(["locked"], [{"student": "s1", "role": "r2"}, {"student": "s2", "role": "r2"}]),
        "locked[1].role",
    ),
    (
        "locked pair breaking a hard rule",
        lambda d: (
            d["students"][0].update(rqf_level=6),
            d["roles"][0].update(min_rqf_level=8),
            d.update(locked=[{"student": "s1", "role": "r1"}]),
        ),
        "locked[0]",
    ),
    (
        "locked pair that is forbidden",
        _set(["forbidden"], [{"student": "s1", "role": "r1"}]),
        "locked[0]",
    ),
]


@pytest.mark.parametrize(("case", "mutate", "path"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_rejected_with_the_field_named(case, mutate, path):
    data = base_round()
    if case == "locked pair that is forbidden":
        data["locked"] = [{"student": "s1", "role": "r1"}]
    mutate(data)
    with pytest.raises(SnapshotError) as caught:
        validate_snapshot(data)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: ")


def test_a_locked_pair_that_breaks_a_rule_says_which_rule():
    data = base_round()
    data["students"][0]["hours_per_week"] = 10
    data["locked"] = [{"student": "s1", "role": "r1"}]
    with pytest.raises(SnapshotError, match="needs 30 hours a week"):
        validate_snapshot(data)


def test_a_snapshot_that_is_not_an_object_is_bad_input():
    with pytest.raises(SnapshotError):
        validate_snapshot([1, 2, 3])
